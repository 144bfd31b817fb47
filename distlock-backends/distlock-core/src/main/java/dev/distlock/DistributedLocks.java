package dev.distlock;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The programmatic entry: the same locks as {@link DistributedLock}, for code that decides at run
 * time what to lock. Keys given here are prefixed with the namespace: {@code <namespace>:<key>}.
 */
public interface DistributedLocks {

    /** Tries to acquire {@code key}, waiting up to {@code waitFor}; empty if it stayed held elsewhere. */
    default Optional<Lease> tryAcquire(String key, Duration lease, Duration waitFor) {
        return tryAcquire(key, LockOptions.of(lease, waitFor));
    }

    /** Tries to acquire {@code key} with all options; empty if it stayed held elsewhere past {@code waitFor}. */
    Optional<Lease> tryAcquire(String key, LockOptions options);

    /** Like {@link #tryAcquire(String, LockOptions)} but throws {@link LockNotAcquiredException} instead of returning empty. */
    default Lease acquire(String key, LockOptions options) {
        return tryAcquire(key, options).orElseThrow(() -> new LockNotAcquiredException(fullKey(key)));
    }

    /** Runs {@code action} under the lock and returns its result; throws {@link LockNotAcquiredException} when held elsewhere. */
    default <T> T callLocked(String key, LockOptions options, Supplier<T> action) {
        try (Lease lease = acquire(key, options); LockContext.Scope ignored = LockContext.bind(lease)) {
            return action.get();
        }
    }

    /** Runs {@code action} under the lock if it can be had within {@code waitFor}; returns whether it ran. */
    default boolean runIfAcquired(String key, LockOptions options, Runnable action) {
        Optional<Lease> acquired = tryAcquire(key, options);
        if (acquired.isEmpty()) {
            return false;
        }
        try (Lease lease = acquired.get(); LockContext.Scope ignored = LockContext.bind(lease)) {
            action.run();
            return true;
        }
    }

    /** The key the backend sees for {@code key}: {@code <namespace>:<key>}. */
    String fullKey(String key);
}
