package dev.distlock.integration;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.jspecify.annotations.Nullable;
import org.springframework.integration.support.locks.DistributedLock;
import org.springframework.integration.support.locks.RenewableLockRegistry;

import dev.distlock.DistributedLocks;
import dev.distlock.Lease;
import dev.distlock.LockOptions;

/**
 * A Spring Integration lock registry on distlock, so that {@code LockRegistryLeaderInitiator},
 * aggregators and the other users of a {@code LockRegistry} run on any distlock backend. The lock
 * for {@code lockKey} is distlock's key {@code <namespace>:<lockKey>}.
 *
 * <p>Locks are re-entrant per thread and unlocked by the thread that locked them, like
 * {@link java.util.concurrent.locks.ReentrantLock}. Each is a distlock lease of {@code lease} (or the
 * ttl given to {@link DistributedLock#lock(Duration)}), renewed by distlock while it is held, so a
 * holder that dies frees it after one lease. A lease lost while held (a partition, a store that
 * refused its renewal) is not re-entered: {@code tryLock} on it returns false, and the thread holds
 * nothing from then on, which is how a leader learns that it no longer leads.
 */
public final class DistlockLockRegistry implements RenewableLockRegistry<DistributedLock> {

    private final DistributedLocks locks;
    private final Duration lease;
    /** What each thread holds, by lock key: only the holding thread reads or changes its entry. */
    private final ConcurrentMap<ThreadHoldKey, ThreadHold> holds = new ConcurrentHashMap<>();

    /**
     * @param locks the distlock entry (the {@code LockEngine} bean)
     * @param lease how long a lock lasts without renewal, and so after its holder died
     */
    public DistlockLockRegistry(DistributedLocks locks, Duration lease) {
        this.locks = Objects.requireNonNull(locks, "locks");
        this.lease = LockOptions.of(lease, Duration.ZERO).lease();
    }

    /** A lock view on {@code lockKey}, a String; views of one key share its holds. */
    @Override
    public DistributedLock obtain(Object lockKey) {
        return new DistlockLock(this, requireStringKey(lockKey));
    }

    /**
     * Renews the current thread's lease on {@code lockKey} now, for the length it has. distlock also
     * renews a held lease by itself, at a third of its length, so a caller need not.
     *
     * @throws IllegalStateException when the current thread does not hold the lock, or its lease was lost
     */
    @Override
    public void renewLock(Object lockKey) {
        String key = requireStringKey(lockKey);
        ThreadHold hold = currentHold(key);
        renew(key, hold, hold.ttl());
    }

    /**
     * Renews the current thread's lease on {@code lockKey} now so that it runs {@code timeToLive} from
     * now, and makes that the length distlock keeps renewing it for.
     *
     * @throws IllegalStateException when the current thread does not hold the lock, or its lease was lost
     */
    @Override
    public void renewLock(Object lockKey, Duration timeToLive) {
        String key = requireStringKey(lockKey);
        renew(key, currentHold(key), LockOptions.of(timeToLive, Duration.ZERO).lease());
    }

    private static void renew(String key, ThreadHold hold, Duration ttl) {
        if (!hold.lease().extend(ttl)) {
            throw new IllegalStateException("Lock '" + key + "' could not be renewed: it is no longer held (" + hold.lease() + ")");
        }
        hold.ttl(ttl);
    }

    Duration defaultLease() {
        return lease;
    }

    DistributedLocks locks() {
        return locks;
    }

    @Nullable ThreadHold holdOfCurrentThread(String key) {
        return holds.get(new ThreadHoldKey(key, Thread.currentThread()));
    }

    void held(String key, ThreadHold hold) {
        holds.put(new ThreadHoldKey(key, Thread.currentThread()), hold);
    }

    void released(String key) {
        holds.remove(new ThreadHoldKey(key, Thread.currentThread()));
    }

    private ThreadHold currentHold(String key) {
        ThreadHold hold = holdOfCurrentThread(key);
        if (hold == null) {
            throw new IllegalStateException("Lock '" + key + "' is not held by the current thread");
        }
        if (!hold.lease().isValid()) {
            throw new IllegalStateException("Lock '" + key + "' was lost: " + hold.lease());
        }
        return hold;
    }

    private static String requireStringKey(Object lockKey) {
        if (!(lockKey instanceof String key) || key.isBlank()) {
            throw new IllegalArgumentException("A distlock lock key must be a non-blank String, was " + lockKey);
        }
        return key;
    }

    private record ThreadHoldKey(String key, Thread thread) {
    }

    /** One thread's hold on one key: the lease and how many times the thread entered it. */
    static final class ThreadHold {

        private final Lease lease;
        private Duration ttl;
        private int count = 1;

        ThreadHold(Lease lease, Duration ttl) {
            this.lease = lease;
            this.ttl = ttl;
        }

        Lease lease() {
            return lease;
        }

        Duration ttl() {
            return ttl;
        }

        void ttl(Duration ttl) {
            this.ttl = ttl;
        }

        void enter() {
            count++;
        }

        /** @return true when this was the last hold */
        boolean exit() {
            return --count == 0;
        }
    }
}
