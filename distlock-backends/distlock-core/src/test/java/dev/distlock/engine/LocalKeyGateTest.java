package dev.distlock.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.distlock.Lease;
import dev.distlock.LockNotAcquiredException;
import dev.distlock.LockOptions;
import dev.distlock.inmemory.InMemoryLockBackend;
import dev.distlock.spi.LockBackend;

/** Threads of one engine on one unfair key queue in memory; only one of them asks the store at a time. */
class LocalKeyGateTest {

    private static final Duration LEASE = Duration.ofSeconds(60);
    private static final LockOptions WAIT_LONG = LockOptions.of(LEASE, Duration.ofSeconds(60));
    /** Only a wake-up can end a wait before the test's bounds: no back-off or safety poll comes sooner. */
    private static final WaitSettings NO_POLLING =
            new WaitSettings(Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(1));

    private final List<LockEngine> engines = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void close() {
        pool.shutdownNow();
        engines.forEach(LockEngine::close);
    }

    @Test
    void fourThreadsOfOneEngineHaveAtMostOneAttemptInFlight() throws Exception {
        InFlightCountingBackend backend = new InFlightCountingBackend();
        LockEngine engine = engine(backend, WaitSettings.DEFAULT);
        backend.othersSettled = () -> engine.waiters().size() == 3;

        runThreads(4, 25, thread -> engine.acquire("k", WAIT_LONG).close());

        assertThat(backend.maxInFlight).as("tryAcquire calls in flight at once").hasValue(1);
        assertThat(backend.acquireCalls).as("one store attempt per grant").hasValue(100);
    }

    @Test
    void localWaiterIsGrantedWhenTheHolderReleasesWithoutABackOff() throws Exception {
        ScriptedBackend backend = new ScriptedBackend(); // cannot notify: a waiter at the store would poll
        LockEngine engine = engine(backend, NO_POLLING);
        Lease held = engine.acquire("k", WAIT_LONG);
        CompletableFuture<Optional<Lease>> waiter = CompletableFuture.supplyAsync(() -> engine.tryAcquire("k", WAIT_LONG), pool);
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.waiters().size() == 1);

        held.close();

        Optional<Lease> lease = waiter.get(10, TimeUnit.SECONDS);
        assertThat(lease).isPresent();
        assertThat(lease.get().fencingToken()).isGreaterThan(held.fencingToken());
        assertThat(backend.acquireCalls).as("the waiter asked the store once, when its turn came").hasValue(2);
        lease.get().close();
    }

    @Test
    void headThatTimesOutPassesTheTurnOn() throws Exception {
        InMemoryLockBackend store = new InMemoryLockBackend();
        LockEngine otherJvm = engine(store, NO_POLLING);
        LockEngine engine = engine(store, NO_POLLING);
        Lease remote = otherJvm.acquire("k", WAIT_LONG);
        CompletableFuture<Optional<Lease>> head = CompletableFuture.supplyAsync(
                () -> engine.tryAcquire("k", LockOptions.of(LEASE, Duration.ofMillis(300))), pool);
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.waiters().size() == 1);
        CompletableFuture<Optional<Lease>> next = CompletableFuture.supplyAsync(() -> engine.tryAcquire("k", WAIT_LONG), pool);

        assertThat(head.get(10, TimeUnit.SECONDS)).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.waiters().size() == 1);
        remote.close();

        Optional<Lease> lease = next.get(10, TimeUnit.SECONDS);
        assertThat(lease).as("the next in line went to the store and was woken by its release").isPresent();
        lease.get().close();
    }

    @Test
    void headThatIsInterruptedPassesTheTurnOn() throws Exception {
        InMemoryLockBackend store = new InMemoryLockBackend();
        LockEngine otherJvm = engine(store, NO_POLLING);
        LockEngine engine = engine(store, NO_POLLING);
        Lease remote = otherJvm.acquire("k", WAIT_LONG);
        AtomicReference<Throwable> headFailure = new AtomicReference<>();
        Thread head = new Thread(() -> {
            try {
                engine.tryAcquire("k", WAIT_LONG);
            } catch (LockNotAcquiredException e) {
                headFailure.set(e);
            }
        });
        head.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.waiters().size() == 1);
        CompletableFuture<Optional<Lease>> next = CompletableFuture.supplyAsync(() -> engine.tryAcquire("k", WAIT_LONG), pool);
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.waiters().size() == 2);

        head.interrupt();
        head.join(10_000);
        assertThat(headFailure.get()).isInstanceOf(LockNotAcquiredException.class).hasMessageContaining("Interrupted");
        remote.close();

        Optional<Lease> lease = next.get(10, TimeUnit.SECONDS);
        assertThat(lease).isPresent();
        lease.get().close();
    }

    @Test
    void threadInLineIsListedAsAWaiterAndGivesUpWithoutAStoreCall() throws Exception {
        ScriptedBackend backend = new ScriptedBackend();
        LockEngine engine = engine(backend, NO_POLLING);
        try (Lease held = engine.acquire("k", WAIT_LONG)) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread inLine = new Thread(() -> {
                try {
                    engine.tryAcquire("k", WAIT_LONG.withName("orders"));
                } catch (LockNotAcquiredException e) {
                    failure.set(e);
                }
            }, "in-line");
            inLine.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> engine.waiters().size() == 1);
            assertThat(engine.waiters()).singleElement().satisfies(waiter -> {
                assertThat(waiter.key()).isEqualTo("test:k");
                assertThat(waiter.name()).isEqualTo("orders");
                assertThat(waiter.thread()).isEqualTo("in-line");
            });

            inLine.interrupt();
            inLine.join(10_000);
            assertThat(failure.get()).isInstanceOf(LockNotAcquiredException.class);
            assertThat(CompletableFuture.supplyAsync(() -> engine.tryAcquire("k", LockOptions.of(LEASE, Duration.ofMillis(100))), pool)
                    .get(10, TimeUnit.SECONDS)).as("in line past its waitFor").isEmpty();
            assertThat(CompletableFuture.supplyAsync(() -> engine.tryAcquire("k", LockOptions.of(LEASE, Duration.ZERO)), pool)
                    .get(10, TimeUnit.SECONDS)).as("no wait at all").isEmpty();

            assertThat(engine.waiters()).isEmpty();
            assertThat(backend.acquireCalls).as("only the holder asked the store").hasValue(1);
        }
        assertThat(engine.keysWithTurns()).isZero();
    }

    @Test
    void noGateIsLeftAfterTenThousandKeys() throws Exception {
        LockEngine engine = engine(new InMemoryLockBackend(), WaitSettings.DEFAULT);

        runThreads(4, 1, thread -> {
            for (int key = 0; key < 10_000; key++) {
                engine.acquire("key-" + key, WAIT_LONG).close();
            }
        });

        assertThat(engine.keysWithTurns()).isZero();
        assertThat(engine.waiters()).isEmpty();
    }

    @Test
    void fairLocksDoNotQueueLocally() throws Exception {
        ScriptedBackend backend = new ScriptedBackend();
        LockEngine engine = engine(backend, WaitSettings.DEFAULT);
        LockOptions fair = WAIT_LONG.withFair(true);
        try (Lease held = engine.acquire("k", fair)) {
            CompletableFuture<Optional<Lease>> waiter = CompletableFuture.supplyAsync(() -> engine.tryAcquire("k", fair), pool);
            await().atMost(Duration.ofSeconds(10)).until(() -> backend.acquireCalls.get() >= 3);
            assertThat(engine.keysWithTurns()).isZero();
            held.close();
            waiter.get(20, TimeUnit.SECONDS).ifPresent(Lease::close);
        }
    }

    @Test
    void threadsOfAnotherEngineAreNotStarvedByLocalHandOffs() throws Exception {
        LateNotificationBackend store = new LateNotificationBackend();
        List<LockEngine> jvms = List.of(engine(store, NO_POLLING), engine(store, NO_POLLING));
        int threadsPerJvm = 3;
        int rounds = 20;
        AtomicInteger[] running = {new AtomicInteger(threadsPerJvm), new AtomicInteger(threadsPerJvm)};
        List<Integer> grants = new CopyOnWriteArrayList<>();

        runThreads(2 * threadsPerJvm, rounds, thread -> {
            int jvm = thread % 2;
            LockEngine engine = jvms.get(jvm);
            try (Lease lease = engine.acquire("k", WAIT_LONG)) {
                grants.add(jvm);
                // Held for longer than a round trip, as on a real store: the holder's fellow threads are
                // all back in line, and the other engine's waiters that heard of a release have tried.
                // Every thread of the other engine still running waits too, so that a thread starting late
                // is not read as a starved one.
                LockEngine other = jvms.get(1 - jvm);
                await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(10))
                        .until(() -> engine.waiters().size() >= running[jvm].get() - 1
                                && other.waiters().size() >= running[1 - jvm].get());
                store.awaitNotifiedWaitersTried();
            }
        }, thread -> {
            running[thread % 2].decrementAndGet();
            store.hearReleases("test:k");
        });

        List<Integer> firstHalf = grants.subList(0, threadsPerJvm * rounds);
        long first = firstHalf.stream().filter(jvm -> jvm == 0).count();
        long second = firstHalf.size() - first;
        assertThat(Math.min(first, second) * 2).as("grants of each engine in the first half of the run: %s", firstHalf)
                .isGreaterThanOrEqualTo(Math.max(first, second));
    }

    private LockEngine engine(LockBackend backend, WaitSettings waitSettings) {
        LockEngine engine = LockEngine.builder(backend).namespace("test").waitSettings(waitSettings).build();
        engines.add(engine);
        return engine;
    }

    private void runThreads(int threads, int rounds, Round round) throws Exception {
        runThreads(threads, rounds, round, thread -> { });
    }

    /** Starts {@code threads} together, each running {@code round} {@code rounds} times, then {@code afterLast}. */
    private void runThreads(int threads, int rounds, Round round, Round afterLast) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    round.run(thread);
                }
                afterLast.run(thread);
                return null;
            }));
        }
        start.countDown();
        for (Future<?> worker : workers) {
            worker.get(60, TimeUnit.SECONDS);
        }
    }

    @FunctionalInterface
    private interface Round {
        void run(int thread) throws Exception;
    }
}
