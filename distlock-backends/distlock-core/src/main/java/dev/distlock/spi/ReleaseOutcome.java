package dev.distlock.spi;

/** What {@link LockBackend#releaseTellingWaiters} found. */
public enum ReleaseOutcome {

    /** The owner did not hold the key (any more): nothing was released. */
    NOT_HELD,

    /** Released; nobody else waited for the key, or the store cannot tell. */
    RELEASED,

    /**
     * Released while other clients waited for the key (the store knows: they registered to be woken,
     * and this release woke them). The engine then lets them try before it takes the key again.
     */
    RELEASED_TO_WAITERS;

    /** {@link #RELEASED} or {@link #NOT_HELD}: for a store that cannot tell whether anyone waits. */
    public static ReleaseOutcome of(boolean released) {
        return released ? RELEASED : NOT_HELD;
    }

    /** Whether the owner held the key and it is now released. */
    public boolean released() {
        return this != NOT_HELD;
    }
}
