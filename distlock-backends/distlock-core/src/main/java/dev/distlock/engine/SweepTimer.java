package dev.distlock.engine;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When an engine's renewal sweep runs next: one task on the scheduler, moved earlier when a lease
 * needs the sweep sooner, never one task per lock. Times are on the scheduler's clock
 * ({@link System#nanoTime()}, what its delays are measured by).
 *
 * <p>The protocol that loses no wake-up: whoever makes a lease need the sweep (a grant, an answered
 * renewal) first publishes the lease's schedule, then calls {@link #wakeBy}; the sweep calls
 * {@link #sweepStarted} before it reads any schedule, and plans its own next run when it ends.
 */
final class SweepTimer {

    private static final Logger log = LoggerFactory.getLogger(SweepTimer.class);

    private final ScheduledExecutorService scheduler;
    private final Runnable sweep;
    private final Object lock = new Object();
    // Written under lock; read without it on the fast path, where a stale value only costs a lock.
    private volatile boolean planned;
    private volatile long plannedAt;
    private @Nullable ScheduledFuture<?> task;
    private volatile boolean stopped;

    SweepTimer(ScheduledExecutorService scheduler, Runnable sweep) {
        this.scheduler = scheduler;
        this.sweep = sweep;
    }

    static long now() {
        return System.nanoTime();
    }

    /** Makes sure a sweep runs at {@code at} or earlier. Allocates nothing when one is planned by then. */
    void wakeBy(long at) {
        if (planned && at - plannedAt >= 0 || stopped) {
            return;
        }
        synchronized (lock) {
            if (planned && at - plannedAt >= 0 || stopped) {
                return;
            }
            if (task != null) {
                task.cancel(false); // if it has started already, it sweeps once more: harmless
            }
            try {
                task = scheduler.schedule(sweep, Math.max(0, at - now()), TimeUnit.NANOSECONDS);
                plannedAt = at;
                planned = true;
            } catch (RejectedExecutionException e) {
                log.warn("The renewal scheduler refused the next sweep; held leases are not renewed", e);
            }
        }
    }

    /** A sweep starts: what was planned has come, and whatever needs a later sweep asks again. */
    void sweepStarted() {
        synchronized (lock) {
            planned = false;
        }
    }

    /** No sweep from now on: the engine is closed. */
    void stop() {
        synchronized (lock) {
            stopped = true;
            if (task != null) {
                task.cancel(false);
            }
        }
    }
}
