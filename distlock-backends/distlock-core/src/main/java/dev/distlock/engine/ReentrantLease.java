package dev.distlock.engine;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/** The handle of a re-entrant acquisition: the same thread acquired a key whose grant it holds already. */
final class ReentrantLease extends EngineLease {

    private static final int CLOSED = 1;
    private static final int DETACHED = 2;
    // One field and an updater rather than two atomic objects per acquisition.
    private static final AtomicIntegerFieldUpdater<ReentrantLease> FLAGS = AtomicIntegerFieldUpdater.newUpdater(ReentrantLease.class, "flags");

    private final HeldLock lock;
    private volatile int flags;

    ReentrantLease(HeldLock lock) {
        this.lock = lock;
    }

    @Override
    HeldLock grant() {
        return lock;
    }

    @Override
    LockEngine engine() {
        return lock.engine();
    }

    @Override
    boolean markClosed() {
        return set(CLOSED, CLOSED);
    }

    @Override
    boolean isClosed() {
        return (flags & CLOSED) != 0;
    }

    @Override
    boolean markDetached() {
        return set(DETACHED, CLOSED | DETACHED);
    }

    @Override
    boolean isDetached() {
        return (flags & DETACHED) != 0;
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
}
