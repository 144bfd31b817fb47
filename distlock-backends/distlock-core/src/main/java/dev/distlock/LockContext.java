package dev.distlock;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/** The locks the current thread holds through {@link DistributedLock}, innermost last. */
public final class LockContext {

    private static final ThreadLocal<Deque<Lease>> LEASES = ThreadLocal.withInitial(ArrayDeque::new);

    private LockContext() {
    }

    /** The innermost lease the current thread holds through the annotation or a callback of {@link DistributedLocks}. */
    public static Optional<Lease> currentLease() {
        return Optional.ofNullable(LEASES.get().peekLast());
    }

    /**
     * Makes {@code lease} the current one until the returned scope is closed. For the interceptor and
     * the callback forms of {@link DistributedLocks}; application code has no need to call it.
     */
    public static Scope bind(Lease lease) {
        Deque<Lease> leases = LEASES.get();
        leases.addLast(lease);
        return () -> {
            leases.removeLastOccurrence(lease);
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
