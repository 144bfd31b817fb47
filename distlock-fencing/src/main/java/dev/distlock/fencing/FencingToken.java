package dev.distlock.fencing;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

import dev.distlock.Lease;
import dev.distlock.LockContext;

/**
 * The token a fenced write carries, and the lock it came from when known. A store helper takes
 * {@link #current()} unless it is handed one, and resolves it anew for every write.
 *
 * <p>The rule, the same for every helper: a write carries the token of the lease it runs under;
 * the store keeps the token of the last write and refuses one that carries a lower token. A write
 * with the same token as the stored one passes, so a holder may write the same record many times.
 */
public final class FencingToken {

    private final long value;
    private final @Nullable String lockKey;

    private FencingToken(long value, @Nullable String lockKey) {
        if (value < 0) {
            throw new IllegalArgumentException("A fencing token is never negative, was " + value);
        }
        this.value = value;
        this.lockKey = lockKey;
    }

    /** A token passed by hand, e.g. one that travelled with a message from the lock holder. */
    public static FencingToken of(long token) {
        return new FencingToken(token, null);
    }

    /** The token of {@code lease}, used as it is: whether the lease is still valid is not asked. */
    public static FencingToken of(Lease lease) {
        return new FencingToken(lease.fencingToken(), lease.key());
    }

    /**
     * The token of the innermost lock the current thread holds through {@code @DistributedLock} or a
     * callback of {@code DistributedLocks}.
     *
     * @throws LeaseRequiredException when the thread holds no lock (a fenced write outside the lock is
     *         a mistake, never a write to let through), or when the lock was taken with
     *         {@code fenced = true} and its lease is no longer valid (lapsed, lost, released)
     */
    public static FencingToken current() {
        Optional<Lease> current = LockContext.currentLease();
        if (current.isEmpty()) {
            throw new LeaseRequiredException(null, "No distlock lease on this thread: a fenced write must run inside a "
                    + "@DistributedLock method or a DistributedLocks callback (on the thread that holds the lock), "
                    + "or be given its token explicitly");
        }
        Lease lease = current.get();
        if (LockContext.currentLeaseFenced() && !lease.isValid()) {
            throw new LeaseRequiredException(lease.key(), "The lease of lock '" + lease.key() + "' (token "
                    + lease.fencingToken() + ") is no longer valid: it lapsed, was lost or was released, so under "
                    + "@DistributedLock(fenced = true) the write was not sent; another holder may have the lock now");
        }
        return of(lease);
    }

    /** {@code token} when given, else {@link #current()}. */
    public static FencingToken orCurrent(@Nullable FencingToken token) {
        return token != null ? token : current();
    }

    public long value() {
        return value;
    }

    /** The full key of the lock the token came from; null for a token passed by hand. */
    public @Nullable String lockKey() {
        return lockKey;
    }

    @Override
    public String toString() {
        return lockKey == null ? "token " + value : "token " + value + " of lock '" + lockKey + "'";
    }
}
