package dev.distlock;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

/** The locks the current thread holds through {@link DistributedLock}, innermost last. */
public final class LockContext {

    /**
     * The innermost binding of each thread, linked to the ones it is nested in. Set to null rather
     * than removed when the last one ends: a thread that locks again reuses its entry, and a null
     * value keeps nothing alive.
     */
    private static final ThreadLocal<@Nullable Binding> INNERMOST = new ThreadLocal<>();

    private LockContext() {
    }

    /** The innermost lease the current thread holds through the annotation or a callback of {@link DistributedLocks}. */
    public static Optional<Lease> currentLease() {
        Binding binding = open(INNERMOST.get());
        return binding != null ? Optional.of(binding.lease) : Optional.empty();
    }

    /**
     * Whether the innermost lease was taken by a method annotated {@code @DistributedLock(fenced = true)}:
     * distlock's fencing helpers then refuse to write under it once it is no longer valid. False when
     * the thread holds no lock.
     */
    public static boolean currentLeaseFenced() {
        Binding binding = open(INNERMOST.get());
        return binding != null && binding.fenced;
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
        Binding binding = new Binding(lease, fenced, INNERMOST.get());
        INNERMOST.set(binding);
        return binding;
    }

    /** The first binding from {@code binding} outwards that is not closed yet. */
    private static @Nullable Binding open(@Nullable Binding binding) {
        while (binding != null && binding.closed) {
            binding = binding.outer;
        }
        return binding;
    }

    /** Undoes one {@link #bind(Lease)}. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * One {@link #bind(Lease)}. Scopes usually close innermost first; one closed out of order (or
     * from another thread) is only marked, and skipped until the bindings inside it have closed.
     * It keeps no reference to its thread (one field less per locked call): a close unlinks closed
     * bindings only from the closing thread's own chain, where they are the innermost.
     */
    private static final class Binding implements Scope {

        private final Lease lease;
        private final boolean fenced;
        private final @Nullable Binding outer;
        private volatile boolean closed;

        private Binding(Lease lease, boolean fenced, @Nullable Binding outer) {
            this.lease = lease;
            this.fenced = fenced;
            this.outer = outer;
        }

        @Override
        public void close() {
            closed = true;
            Binding innermost = INNERMOST.get();
            if (innermost != null && innermost.closed) {
                INNERMOST.set(open(innermost));
            }
        }
    }
}
