package dev.distlock.jdbc;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The pause of one of the backend's own threads between two rounds (the MySQL/MariaDB watcher's
 * reads, the PostgreSQL listener's reconnects): a wait on its owner's condition, which the owner's
 * {@code close()} signals, so that closing never waits a pause out.
 */
final class ThreadPause {

    private ThreadPause() {
    }

    /**
     * Waits up to {@code pause} on {@code changed} unless closed already (a signal ends it early).
     *
     * @param closed read under {@code lock}: the owner sets it before it signals {@code changed}
     * @return false when closed (or interrupted), and the thread should end
     */
    static boolean unlessClosed(ReentrantLock lock, Condition changed, BooleanSupplier closed, Duration pause) {
        lock.lock();
        try {
            if (!closed.getAsBoolean()) {
                changed.await(pause.toNanos(), TimeUnit.NANOSECONDS);
            }
            return !closed.getAsBoolean();
        } catch (InterruptedException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }
}
