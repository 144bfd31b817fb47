package dev.distlock.shedlock;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;

import dev.distlock.DistributedLocks;
import dev.distlock.Lease;
import dev.distlock.LockContext;
import dev.distlock.LockOptions;

/**
 * A ShedLock {@link LockProvider} on distlock, so that {@code @SchedulerLock} methods run on any
 * distlock backend. The lock named {@code name} is distlock's key {@code <namespace>:<name>}.
 *
 * <p>ShedLock's semantics, kept: {@code lockAtMostFor} is the lease and is never renewed (a job
 * running past it loses the lock, as with every ShedLock provider); {@code lockAtLeastFor} is
 * {@code holdAtLeast}, so an unlock before it only shortens the lease to it; the lock is tried once,
 * never waited for; and it is not re-entrant: a lock held in this process is refused to every
 * thread, the holding one included, although distlock's engine would let that thread re-enter.
 *
 * <p>Between {@code lock} and {@code unlock} on the same thread (as ShedLock's executor calls them,
 * around the method), {@link LockContext#currentLease()} gives the lease and its fencing token.
 * {@link SimpleLock#extend} is not supported (distlock's engine has no public extension yet).
 */
public final class DistlockLockProvider implements LockProvider {

    private final DistributedLocks locks;
    /** The leases this provider handed out and that were not unlocked yet, by lock name. */
    private final ConcurrentMap<String, HeldShedLock> held = new ConcurrentHashMap<>();

    public DistlockLockProvider(DistributedLocks locks) {
        this.locks = Objects.requireNonNull(locks, "locks");
    }

    @Override
    public Optional<SimpleLock> lock(LockConfiguration configuration) {
        String name = configuration.getName();
        HeldShedLock current = held.get(name);
        if (current != null) {
            if (current.lease.isValid()) {
                // Held in this process: refused even to the thread that holds it, as ShedLock's locks are not re-entrant.
                return Optional.empty();
            }
            // lockAtMostFor passed without an unlock: the store let the lock go; so does this process.
            current.unlock();
        }
        Optional<Lease> lease = locks.tryAcquire(name, options(configuration));
        if (lease.isEmpty()) {
            return Optional.empty();
        }
        HeldShedLock lock = new HeldShedLock(name, lease.get());
        held.put(name, lock);
        return Optional.of(lock);
    }

    private static LockOptions options(LockConfiguration configuration) {
        // ShedLock's LockConfiguration already refuses a lockAtLeastFor longer than lockAtMostFor.
        return LockOptions.of(configuration.getLockAtMostFor(), Duration.ZERO)
                .withName(configuration.getName())
                .withHoldAtLeast(configuration.getLockAtLeastFor())
                .withAutoRenew(false);
    }

    /** One granted ShedLock lock: its distlock lease, current on the locking thread until unlocked. */
    private final class HeldShedLock implements SimpleLock {

        private final String name;
        private final Lease lease;
        private final Thread lockingThread = Thread.currentThread();
        private final LockContext.Scope scope;

        private HeldShedLock(String name, Lease lease) {
            this.name = name;
            this.lease = lease;
            this.scope = LockContext.bind(lease);
        }

        /** Idempotent: the lease closes once, and only this lock's own entry is removed. */
        @Override
        public void unlock() {
            held.remove(name, this);
            // The context is the locking thread's own: another thread must not touch it.
            if (Thread.currentThread() == lockingThread) {
                scope.close();
            }
            lease.close();
        }

        @Override
        public String toString() {
            return "DistlockShedLock[" + lease + "]";
        }
    }
}
