package dev.distlock;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

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
    default <T extends @Nullable Object> T callLocked(String key, LockOptions options, Supplier<T> action) {
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

    /**
     * Runs {@code action}, which may throw checked exceptions, under the lock and returns its result;
     * throws {@link LockNotAcquiredException} when held elsewhere. The action's exception reaches the
     * caller unchanged, after the lock was released.
     */
    default <T extends @Nullable Object> T callLockedChecked(String key, LockOptions options, Callable<T> action) throws Exception {
        try (Lease lease = acquire(key, options); LockContext.Scope ignored = LockContext.bind(lease)) {
            return action.call();
        }
    }

    /**
     * The lock on {@code key} as a {@link Lock}: {@code lock()} waits until granted (not interruptibly),
     * {@code lockInterruptibly()} and {@code tryLock(time, unit)} answer interrupts,
     * {@code tryLock()} tries once. Each grant uses {@code options} except {@code waitFor}, which
     * the method called decides. Only the thread that locked may {@code unlock()} (else
     * {@link IllegalMonitorStateException}); a thread may lock again while it holds the lock, and
     * unlocks as often. While held, {@link LockContext#currentLease()} gives the lease and its fencing
     * token. {@code newCondition()} is not supported: there is no monitor shared across processes.
     */
    default Lock asLock(String key, LockOptions options) {
        return new LockView(this, key, options);
    }

    /** The key the backend sees for {@code key}: {@code <namespace>:<key>}. */
    String fullKey(String key);
}
