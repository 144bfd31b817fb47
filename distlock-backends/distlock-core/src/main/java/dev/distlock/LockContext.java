package dev.distlock;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/** The locks the current thread holds through {@link DistributedLock}, innermost last. */
public final class LockContext {

    private static final ThreadLocal<Deque<Bound>> LEASES = ThreadLocal.withInitial(ArrayDeque::new);

    /** One bind: compared by identity, so that a scope removes exactly its own entry. */
    private static final class Bound {
        private final Lease lease;
        private final boolean fenced;

        Bound(Lease lease, boolean fenced) {
            this.lease = lease;
            this.fenced = fenced;
        }

        Lease lease() {
            return lease;
        }

        boolean fenced() {
            return fenced;
        }
    }

    private LockContext() {
    }

    /** The innermost lease the current thread holds through the annotation or a callback of {@link DistributedLocks}. */
    public static Optional<Lease> currentLease() {
        Bound innermost = LEASES.get().peekLast();
        return innermost == null ? Optional.empty() : Optional.of(innermost.lease());
    }

    /**
     * Whether the innermost lease was taken by a method annotated {@code @DistributedLock(fenced = true)}:
     * distlock's fencing helpers then refuse to write under it once it is no longer valid. False when
     * the thread holds no lock.
     */
    public static boolean currentLeaseFenced() {
        Bound innermost = LEASES.get().peekLast();
        return innermost != null && innermost.fenced();
    }

    /**
     * Makes {@code lease} the current one until the returned scope is closed. For the interceptor and
     * the callback forms of {@link DistributedLocks}; application code has no need to call it.
     */
    public static Scope bind(Lease lease) {
        return bind(lease, false);
    }

    /** {@link #bind(Lease)}, telling whether fenced writes under it require it to be valid ({@link DistributedLock#fenced()}). */
    public static Scope bind(Lease lease, boolean fenced) {
        Deque<Bound> leases = LEASES.get();
        Bound bound = new Bound(lease, fenced);
        leases.addLast(bound);
        return () -> {
            leases.removeLastOccurrence(bound);
            if (leases.isEmpty()) {
                LEASES.remove();
            }
        };
    }

    /** Undoes one {@link #bind(Lease)}. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
