package dev.distlock.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.distlock.Lease;

/**
 * One acquisition's handle on a {@link HeldLock}. Re-entrant acquisitions get handles of their own
 * on the same grant; each handle closes once, and the grant is released with the last one.
 */
final class EngineLease implements Lease {

    private final HeldLock lock;
    private final LockEngine engine;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean detached = new AtomicBoolean();

    EngineLease(HeldLock lock, LockEngine engine) {
        this.lock = lock;
        this.engine = engine;
    }

    @Override
    public String key() {
        return lock.key;
    }

    @Override
    public long fencingToken() {
        return lock.fencingToken;
    }

    @Override
    public Instant acquiredAt() {
        return lock.acquiredAt;
    }

    @Override
    public Instant expiresAt() {
        return lock.expiresAt();
    }

    @Override
    public boolean isValid() {
        return !closed.get() && lock.isHeldAt(engine.nanoTime());
    }

    @Override
    public boolean extend(Duration lease) {
        Objects.requireNonNull(lease, "lease");
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease must be positive, was " + lease);
        }
        return !closed.get() && engine.extend(lock, lease);
    }

    /**
     * Hands this hold from the acquiring thread to async work, for a call that returned an unfinished
     * future: the thread stops being a holder when its last synchronous hold ends, so that calling
     * again it waits for this lock instead of re-entering it. Idempotent.
     */
    void detachFromThread() {
        if (!closed.get() && detached.compareAndSet(false, true)) {
            lock.detach();
        }
    }

    boolean grantedBy(LockEngine candidate) {
        return engine == candidate;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            engine.exit(lock, detached.get());
        }
    }

    @Override
    public String toString() {
        return "Lease[" + lock.key + ", token " + lock.fencingToken + (isValid() ? "" : ", not valid") + "]";
    }
}
