package dev.distlock.integration;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

import org.springframework.integration.support.locks.DistributedLock;

import dev.distlock.Lease;
import dev.distlock.LockNotAcquiredException;
import dev.distlock.LockOptions;

/** The {@link DistributedLock} that {@link DistlockLockRegistry#obtain(Object)} hands out for one key. */
final class DistlockLock implements DistributedLock {

    /** How long one wait of the uninterruptible {@link #lock()} lasts before it asks again; no bound on the whole. */
    private static final Duration LOCK_WAIT_ROUND = Duration.ofMinutes(1);
    /** The metrics name of every lock of the registry: its keys may be message group ids, too many for a meter tag. */
    static final String METRICS_NAME = "spring-integration";

    private final DistlockLockRegistry registry;
    private final String key;

    DistlockLock(DistlockLockRegistry registry, String key) {
        this.registry = registry;
        this.key = key;
    }

    @Override
    public void lock() {
        lock(registry.defaultLease());
    }

    @Override
    public void lock(Duration ttl) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (tryLock(LOCK_WAIT_ROUND, ttl)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    // lock() is not interruptible: keep waiting, and tell the thread when it has the lock.
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        while (!tryLock(LOCK_WAIT_ROUND, registry.defaultLease())) {
            // Waited a whole round: ask again.
        }
    }

    @Override
    public boolean tryLock() {
        return acquire(Duration.ZERO, registry.defaultLease());
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return tryLock(Duration.ofNanos(Math.max(0, unit.toNanos(time))), registry.defaultLease());
    }

    @Override
    public boolean tryLock(Duration waitTime, Duration ttl) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("Interrupted before waiting for lock '" + key + "'");
        }
        try {
            return acquire(waitTime.isNegative() ? Duration.ZERO : waitTime, ttl);
        } catch (LockNotAcquiredException e) {
            if (e.getCause() instanceof InterruptedException) {
                // The engine kept the interrupt flag set; a method that throws InterruptedException clears it.
                Thread.interrupted();
                InterruptedException interrupted = new InterruptedException("Interrupted while waiting for lock '" + key + "'");
                interrupted.initCause(e);
                throw interrupted;
            }
            throw e;
        }
    }

    private boolean acquire(Duration waitFor, Duration ttl) {
        DistlockLockRegistry.ThreadHold hold = registry.holdOfCurrentThread(key);
        if (hold != null) {
            if (hold.lease().isValid()) {
                hold.enter();
                return true;
            }
            // Lost while held: not re-entered. The thread holds nothing from now on; its later unlock() fails.
            registry.released(key);
            hold.lease().close();
            return false;
        }
        Optional<Lease> lease = registry.locks().tryAcquire(key, LockOptions.of(ttl, waitFor).withName(METRICS_NAME));
        lease.ifPresent(granted -> registry.held(key, new DistlockLockRegistry.ThreadHold(granted, ttl)));
        return lease.isPresent();
    }

    @Override
    public void unlock() {
        DistlockLockRegistry.ThreadHold hold = registry.holdOfCurrentThread(key);
        if (hold == null) {
            throw new IllegalStateException("Lock '" + key + "' is not held by the current thread");
        }
        if (hold.exit()) {
            registry.released(key);
            hold.lease().close();
        }
    }

    /** Not supported: a condition would need a distributed wait and signal. */
    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("distlock's Spring Integration locks have no conditions");
    }

    @Override
    public String toString() {
        return "DistlockLock[" + registry.locks().fullKey(key) + "]";
    }
}
