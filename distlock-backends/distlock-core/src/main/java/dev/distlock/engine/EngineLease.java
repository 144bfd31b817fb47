package dev.distlock.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import dev.distlock.Lease;

/**
 * One acquisition's handle on a {@link HeldLock}. Re-entrant acquisitions get handles of their own
 * on the same grant; each handle closes once, and the grant is released with the last one.
 */
final class EngineLease implements Lease {

    private static final int CLOSED = 1;
    private static final int DETACHED = 2;
    // One field and an updater rather than two atomic objects per acquisition.
    private static final AtomicIntegerFieldUpdater<EngineLease> FLAGS = AtomicIntegerFieldUpdater.newUpdater(EngineLease.class, "flags");

    private final HeldLock lock;
    private final LockEngine engine;
    private volatile int flags;

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
        return lock.acquiredAt();
    }

    @Override
    public Instant expiresAt() {
        return lock.expiresAt();
    }

    @Override
    public boolean isValid() {
        return !isClosed() && lock.isHeldAt(engine.nanoTime());
    }

    @Override
    public boolean extend(Duration lease) {
        Objects.requireNonNull(lease, "lease");
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease must be positive, was " + lease);
        }
        return !isClosed() && engine.extend(lock, lease);
    }

    /**
     * Hands this hold from the acquiring thread to async work, for a call that returned an unfinished
     * future: the thread stops being a holder when its last synchronous hold ends, so that calling
     * again it waits for this lock instead of re-entering it. Idempotent.
     */
    void detachFromThread() {
        if (set(DETACHED, CLOSED | DETACHED)) {
            lock.detach();
        }
    }

    boolean grantedBy(LockEngine candidate) {
        return engine == candidate;
    }

    @Override
    public void close() {
        if (set(CLOSED, CLOSED)) {
            engine.exit(lock, (flags & DETACHED) != 0);
        }
    }

    private boolean isClosed() {
        return (flags & CLOSED) != 0;
    }

    /** Sets {@code flag} unless any of {@code unlessAny} is set; true when this call set it. */
    private boolean set(int flag, int unlessAny) {
        int current;
        do {
            current = flags;
            if ((current & unlessAny) != 0) {
                return false;
            }
        } while (!FLAGS.compareAndSet(this, current, current | flag));
        return true;
    }

    @Override
    public String toString() {
        return "Lease[" + lock.key + ", token " + lock.fencingToken + (isValid() ? "" : ", not valid") + "]";
    }
}
