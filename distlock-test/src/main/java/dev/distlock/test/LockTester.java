package dev.distlock.test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import dev.distlock.DistributedLocks;
import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEventListener;
import dev.distlock.spi.support.DaemonThreads;

/**
 * For an application's tests: {@link #locksDuring} tells which locks a call took, and
 * {@link #holdElsewhere} holds a lock as another replica would, to exercise {@code onLocked}.
 * Registered in the test's application context by distlock-test; use it on the in-memory backend
 * ({@code distlock.backend=in-memory}) or on a real one.
 */
public final class LockTester implements LockEventListener {

    private static final Duration HOLD_LEASE = Duration.ofMinutes(10);
    private static final long HOLD_TIMEOUT_SECONDS = 30;

    private final Supplier<DistributedLocks> locks;
    private final List<Recording> recordings = new CopyOnWriteArrayList<>();

    LockTester(Supplier<DistributedLocks> locks) {
        this.locks = locks;
    }

    /** Runs {@code call} and returns the locks that were granted while it ran, on any thread. */
    public TakenLocks locksDuring(ThrowingRunnable call) {
        Recording recording = new Recording();
        recordings.add(recording);
        try {
            call.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("The call under test threw " + e, e);
        } finally {
            recordings.remove(recording);
        }
        return new TakenLocks(List.copyOf(recording.grants));
    }

    /**
     * Holds {@code key} (given as to {@link DistributedLocks}: without the namespace, e.g.
     * {@code "OrderService.pay:42"} for {@code @DistributedLock(key = "#id")} on {@code OrderService.pay})
     * on a thread of its own, as another replica would, until the returned hold is closed. The test's
     * own thread therefore cannot re-enter it, and an annotated call meets the lock held elsewhere.
     */
    public HeldElsewhere holdElsewhere(String key) {
        CompletableFuture<Lease> held = new CompletableFuture<>();
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = DaemonThreads.named("distlock-test-holder").newThread(() -> {
            try (Lease lease = locks.get().acquire(key, LockOptions.of(HOLD_LEASE, Duration.ofSeconds(HOLD_TIMEOUT_SECONDS))
                    .withName("LockTester.holdElsewhere"))) {
                held.complete(lease);
                release.await();
            } catch (Throwable e) {
                held.completeExceptionally(e);
            }
        });
        holder.start();
        Lease lease = await(held, "holding lock '" + key + "'");
        return new HeldElsewhere(lease, release, holder);
    }

    @Override
    public void acquired(String name, String key, long fencingToken, Duration waited) {
        for (Recording recording : recordings) {
            recording.grants.add(new TakenLock(name, key, fencingToken));
        }
    }

    private static Lease await(CompletableFuture<Lease> held, String what) {
        try {
            return held.get(HOLD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Failed " + what + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Timed out " + what + " after " + HOLD_TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted " + what, e);
        }
    }

    /** Code under test, which may throw anything. */
    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Throwable;
    }

    /** One grant: the lock's name (metrics tag), its full key and its fencing token. */
    public record TakenLock(String name, String key, long fencingToken) {
    }

    private static final class Recording {
        final List<TakenLock> grants = new CopyOnWriteArrayList<>();
    }

    /** A lock held on another thread until {@link #close()}. */
    public static final class HeldElsewhere implements AutoCloseable {
        private final Lease lease;
        private final CountDownLatch release;
        private final Thread holder;

        HeldElsewhere(Lease lease, CountDownLatch release, Thread holder) {
            this.lease = lease;
            this.release = release;
            this.holder = holder;
        }

        /** The full key held, {@code <namespace>:<key>}. */
        public String key() {
            return lease.key();
        }

        /** Releases the lock and waits until it is released. */
        @Override
        public void close() {
            release.countDown();
            try {
                holder.join(TimeUnit.SECONDS.toMillis(HOLD_TIMEOUT_SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
