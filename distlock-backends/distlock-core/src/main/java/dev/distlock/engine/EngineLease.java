package dev.distlock.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import dev.distlock.Lease;

/**
 * One acquisition's handle on a {@link HeldLock}; each handle closes once, and the grant is released
 * with the last one. The first acquisition's handle is the grant itself (one object less per lock);
 * re-entrant acquisitions of the same thread get a {@link ReentrantLease} each.
 */
abstract sealed class EngineLease implements Lease permits HeldLock, ReentrantLease {

    /** The grant this handle holds. */
    abstract HeldLock grant();

    abstract LockEngine engine();

    /** Marks this handle closed; true for the one call that did. */
    abstract boolean markClosed();

    abstract boolean isClosed();

    /** Marks this handle detached unless it is closed or detached already; true for the one call that did. */
    abstract boolean markDetached();

    abstract boolean isDetached();

    @Override
    public String key() {
        return grant().key;
    }

    @Override
    public long fencingToken() {
        return grant().fencingToken;
    }

    @Override
    public Instant acquiredAt() {
        return grant().wallClockAt(grant().grantedAtNanos());
    }

    @Override
    public Instant expiresAt() {
        return grant().wallClockAt(grant().expiresAtNanos());
    }

    @Override
    public boolean isValid() {
        return !isClosed() && grant().isHeldAt(engine().nanoTime());
    }

    @Override
    public boolean extend(Duration lease) {
        Objects.requireNonNull(lease, "lease");
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease must be positive, was " + lease);
        }
        return !isClosed() && engine().extend(grant(), lease);
    }

    /**
     * Hands this hold from the acquiring thread to async work, for a call that returned an unfinished
     * future: the thread stops being a holder when its last synchronous hold ends, so that calling
     * again it waits for this lock instead of re-entering it. Idempotent.
     */
    void detachFromThread() {
        if (markDetached()) {
            grant().detach();
        }
    }

    boolean grantedBy(LockEngine candidate) {
        return engine() == candidate;
    }

    @Override
    public void close() {
        if (markClosed()) {
            engine().exit(grant(), isDetached());
        }
    }

    @Override
    public String toString() {
        return "Lease[" + key() + ", token " + fencingToken() + (isValid() ? "" : ", not valid") + "]";
    }
}
