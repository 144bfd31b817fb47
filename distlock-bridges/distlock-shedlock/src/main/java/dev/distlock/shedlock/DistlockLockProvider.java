package dev.distlock.shedlock;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

import net.javacrumbs.shedlock.core.ExtensibleLockProvider;
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
 * {@link SimpleLock#extend} (and so ShedLock's {@code LockExtender} and {@code KeepAliveLockProvider})
 * renews the lease to the new {@code lockAtMostFor}; the first {@code lockAtLeastFor} is kept, and an
 * extension whose own {@code lockAtLeastFor} would end later is refused with an
 * {@link UnsupportedOperationException}, since the engine fixes {@code holdAtLeast} at the grant.
 */
public final class DistlockLockProvider implements ExtensibleLockProvider {

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
        HeldShedLock lock = new HeldShedLock(name, lease.get(), configuration.getLockAtLeastFor());
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

    /**
     * One granted ShedLock lock: its distlock lease, current on the locking thread until unlocked.
     * An extension hands the lease on to a new instance and leaves this one without effect.
     */
    private final class HeldShedLock implements SimpleLock {

        private final String name;
        private final Lease lease;
        private final Thread lockingThread;
        private final LockContext.Scope scope;
        private final Duration lockAtLeastFor;
        /** Where the lease's holdAtLeast ends, on this process's monotonic clock. */
        private final long holdUntilNanos;
        private volatile boolean unlocked;
        /** Set once an extension handed the lease on to another instance. */
        private final AtomicBoolean replaced = new AtomicBoolean();

        private HeldShedLock(String name, Lease lease, Duration lockAtLeastFor) {
            this.name = name;
            this.lease = lease;
            this.lockingThread = Thread.currentThread();
            this.scope = LockContext.bind(lease);
            this.lockAtLeastFor = lockAtLeastFor;
            this.holdUntilNanos = System.nanoTime() + lockAtLeastFor.toNanos();
        }

        private HeldShedLock(HeldShedLock extended) {
            this.name = extended.name;
            this.lease = extended.lease;
            this.lockingThread = extended.lockingThread;
            this.scope = extended.scope;
            this.lockAtLeastFor = extended.lockAtLeastFor;
            this.holdUntilNanos = extended.holdUntilNanos;
        }

        /** Idempotent: the lease closes once, and only this lock's own entry is removed; a replaced lock unlocks nothing. */
        @Override
        public void unlock() {
            if (replaced.get()) {
                return;
            }
            unlocked = true;
            held.remove(name, this);
            // The context is the locking thread's own: another thread must not touch it.
            if (Thread.currentThread() == lockingThread) {
                scope.close();
            }
            lease.close();
        }

        /**
         * Renews the lease to {@code lockAtMostFor} from now (longer or shorter) and returns the lock
         * that holds it from then on. The lease keeps the {@code lockAtLeastFor} it was locked with:
         * an extension's own {@code lockAtLeastFor} must end within it.
         *
         * @return empty when the lock is no longer held (its lockAtMostFor passed, or the store refused)
         */
        @Override
        public Optional<SimpleLock> extend(Duration lockAtMostFor, Duration lockAtLeastFor) {
            if (unlocked || replaced.get()) {
                throw new IllegalStateException("ShedLock lock '" + name + "' was unlocked or extended already; "
                        + "extend the lock that the last extend returned");
            }
            new LockConfiguration(Instant.now(), name, lockAtMostFor, lockAtLeastFor); // ShedLock's own checks of the two
            if (!lockAtLeastFor.isZero() && System.nanoTime() + lockAtLeastFor.toNanos() - holdUntilNanos > 0) {
                throw new UnsupportedOperationException("ShedLock lock '" + name + "' cannot be extended with lockAtLeastFor "
                        + lockAtLeastFor + ": it would end after the lockAtLeastFor it was locked with (" + this.lockAtLeastFor
                        + " from the lock), which distlock's provider keeps; extend with lockAtLeastFor 0 or one that ends within it");
            }
            if (!lease.isValid() || !lease.extend(lockAtMostFor)) {
                return Optional.empty();
            }
            HeldShedLock next = new HeldShedLock(this);
            if (unlocked || !replaced.compareAndSet(false, true)) {
                return Optional.empty(); // unlocked or extended by another thread meanwhile
            }
            held.replace(name, this, next);
            return Optional.of(next);
        }

        @Override
        public String toString() {
            return "DistlockShedLock[" + lease + "]";
        }
    }
}
