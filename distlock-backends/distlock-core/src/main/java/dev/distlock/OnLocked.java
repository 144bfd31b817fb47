package dev.distlock;

/** What an annotated method does when its lock is held elsewhere past {@code waitFor}. */
public enum OnLocked {

    /**
     * {@link #FAIL}, except on a {@code @Scheduled} method, which {@link #SKIP}s with a DEBUG line:
     * there the lock held elsewhere means another replica runs this run, which is no error.
     */
    DEFAULT,

    /** Throw {@link LockNotAcquiredException}. */
    FAIL,

    /** Do not run the method; return {@code null}, an empty {@code Optional}, or a completed empty future or publisher. */
    SKIP
}
