package dev.distlock;

import org.jspecify.annotations.Nullable;

/**
 * A fenced write was refused: the record it would have changed was already written under a newer
 * fencing token, so the writer's lease lapsed (a pause, a partition) and another holder has gone on
 * since. The write did not happen; retrying it with the same token never succeeds.
 */
public class StaleLockTokenException extends RuntimeException {

    private final String key;
    private final long presentedToken;
    private final long storedToken;
    private final @Nullable String lockKey;

    /**
     * @param key            what refused the write: a Redis key, or a table and the condition of its rows
     * @param presentedToken the token the write carried
     * @param storedToken    the newer token the record keeps
     * @param lockKey        the full key of the lock the token came from, when the writer knew it
     */
    public StaleLockTokenException(String key, long presentedToken, long storedToken, @Nullable String lockKey) {
        super("Stale fencing token: the write to " + key + " carried token " + presentedToken
                + ", but it was already written under the newer token " + storedToken
                + (lockKey != null ? " (lock '" + lockKey + "'" + ")" : "")
                + "; the lease was lost and another holder has gone on, so the write was refused");
        this.key = key;
        this.presentedToken = presentedToken;
        this.storedToken = storedToken;
        this.lockKey = lockKey;
    }

    /** What refused the write: a Redis key, or a table and the condition of its rows. */
    public String key() {
        return key;
    }

    /** The token the refused write carried. */
    public long presentedToken() {
        return presentedToken;
    }

    /** The newer token the record was written under, greater than {@link #presentedToken()}. */
    public long storedToken() {
        return storedToken;
    }

    /** The full key of the lock whose lease gave the presented token; null when the token was passed by hand. */
    public @Nullable String lockKey() {
        return lockKey;
    }
}
