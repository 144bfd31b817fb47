package dev.distlock.engine;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.distlock.Lease;

/**
 * One acquisition's handle on a {@link HeldLock}. Re-entrant acquisitions get handles of their own
 * on the same grant; each handle closes once, and the grant is released with the last one.
 */
public final class EngineLease implements Lease {

    private final HeldLock lock;
    private final LockEngine engine;
    private final AtomicBoolean closed = new AtomicBoolean();

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
        return !closed.get() && lock.isHeldAt(engine.now());
    }

    /**
     * Unbinds the lock from the acquiring thread, for a call that returned an unfinished future:
     * the same thread calling again must wait for this lock, not re-enter it.
     */
    public void detachFromThread() {
        lock.detachFromThread();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            engine.exit(lock);
        }
    }

    @Override
    public String toString() {
        return "Lease[" + lock.key + ", token " + lock.fencingToken + (isValid() ? "" : ", not valid") + "]";
    }
}
