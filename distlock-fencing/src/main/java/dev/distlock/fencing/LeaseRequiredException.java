package dev.distlock.fencing;

import org.jspecify.annotations.Nullable;

/**
 * A fenced write was not sent because it had no lease to write under: the thread holds no lock and
 * no token was passed, or the lock was taken with {@code fenced = true} and its lease is no longer
 * valid. The store was not touched.
 */
public class LeaseRequiredException extends IllegalStateException {

    private final @Nullable String lockKey;

    public LeaseRequiredException(@Nullable String lockKey, String message) {
        super(message);
        this.lockKey = lockKey;
    }

    /** The full key of the lock whose lease is no longer valid; null when the thread held none. */
    public @Nullable String lockKey() {
        return lockKey;
    }
}
