package dev.distlock.shedlock;

import java.util.Objects;
import java.util.Optional;

import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;

/**
 * For the rolling deployment that moves a running cluster from a ShedLock provider to distlock:
 * a lock is granted only when both the old provider's lock (ShedLock's table or keys) and
 * distlock's are had. Instances still on the old provider take only the first, instances already
 * on distlock only the second, and each of them excludes an instance running this provider; so a
 * job never runs twice while the cluster is mixed. See docs/migrating-from-shedlock.md.
 */
public final class TransitionLockProvider implements LockProvider {

    private final LockProvider previous;
    private final LockProvider next;

    /**
     * @param previous the provider the cluster runs on today (e.g. ShedLock's {@code JdbcTemplateLockProvider})
     * @param next     distlock's provider, usually the auto-configured {@link DistlockLockProvider}
     */
    public TransitionLockProvider(LockProvider previous, LockProvider next) {
        this.previous = Objects.requireNonNull(previous, "previous");
        this.next = Objects.requireNonNull(next, "next");
    }

    @Override
    public Optional<SimpleLock> lock(LockConfiguration configuration) {
        Optional<SimpleLock> first = previous.lock(configuration);
        if (first.isEmpty()) {
            return Optional.empty();
        }
        Optional<SimpleLock> second;
        try {
            second = next.lock(configuration);
        } catch (RuntimeException e) {
            first.get().unlock();
            throw e;
        }
        if (second.isEmpty()) {
            // An instance already on distlock runs the job; the old lock is not needed (lockAtLeastFor still applies to it).
            first.get().unlock();
            return Optional.empty();
        }
        return Optional.of(new BothLocks(first.get(), second.get()));
    }

    /** Unlocks in the reverse order of locking; the old lock is unlocked even if distlock's unlock fails. */
    private record BothLocks(SimpleLock first, SimpleLock second) implements SimpleLock {

        @Override
        public void unlock() {
            try {
                second.unlock();
            } finally {
                first.unlock();
            }
        }
    }
}
