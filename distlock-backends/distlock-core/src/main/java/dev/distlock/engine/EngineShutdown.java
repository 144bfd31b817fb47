package dev.distlock.engine;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's shutdown: once begun, nothing new is acquired, and the closing thread waits (on real
 * time, bounded) until every lock still held is released by the method holding it. Locks that the
 * closing thread itself holds are not waited for: their methods cannot end while it waits.
 */
final class EngineShutdown {

    private static final Logger log = LoggerFactory.getLogger(EngineShutdown.class);

    private final Duration timeout;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition holderDone = lock.newCondition();
    private volatile boolean shutDown;

    EngineShutdown(Duration timeout) {
        this.timeout = timeout;
    }

    boolean isShutDown() {
        return shutDown;
    }

    /** @return true for the one caller that begins the shutdown */
    boolean begin() {
        lock.lock();
        try {
            if (shutDown) {
                return false;
            }
            shutDown = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    void holderDone() {
        if (!shutDown) {
            return;
        }
        lock.lock();
        try {
            holderDone.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void awaitHoldersDone(Collection<HeldLock> held) {
        Thread closing = Thread.currentThread();
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (held.stream().anyMatch(heldLock -> !heldLock.isHeldBy(closing))) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    log.warn("Shut down with {} lock(s) still held by running methods after {}: {}; they are not "
                            + "released under them and end when their leases run out", held.size(), timeout,
                            held.stream().map(heldLock -> heldLock.key).toList());
                    return;
                }
                holderDone.await(remaining, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }
}
