package dev.distlock;

import org.jspecify.annotations.Nullable;

/** The lock with {@link #key()} was held elsewhere for longer than the caller was willing to wait. */
public class LockNotAcquiredException extends RuntimeException {

    private final String key;

    public LockNotAcquiredException(String key) {
        this(key, "Lock '" + key + "' is held elsewhere", null);
    }

    public LockNotAcquiredException(String key, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** The full key, {@code <namespace>:<name>:<key value>}. */
    public String key() {
        return key;
    }
}
