package dev.distlock;

/** What an annotated method does when its lock is held elsewhere past {@code waitFor}. */
public enum OnLocked {

    /** Throw {@link LockNotAcquiredException}. */
    FAIL,

    /** Do not run the method; return {@code null}, an empty {@code Optional}, or a completed empty future or publisher. */
    SKIP
}
