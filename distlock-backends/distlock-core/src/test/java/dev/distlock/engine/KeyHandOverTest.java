package dev.distlock.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.distlock.Lease;
import dev.distlock.LockOptions;

/**
 * A holder that releases a key a thread of its own engine waits for hands it over in one store call
 * ({@link dev.distlock.spi.KeyHandOver}): the waiter holds the store's grant of its own request.
 */
class KeyHandOverTest {

    private static final Duration LEASE = Duration.ofSeconds(60);
    private static final LockOptions WAIT_LONG = LockOptions.of(LEASE, Duration.ofSeconds(60));
    /** Only a wake-up can end a wait before the test's bounds: no back-off or safety poll comes sooner. */
    private static final WaitSettings NO_POLLING =
            new WaitSettings(Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(1));

    private final HandOverRecordingBackend backend = new HandOverRecordingBackend();
    private final LockEngine engine = LockEngine.builder(backend).namespace("test").waitSettings(NO_POLLING).build();
    private final List<Thread> threads = new ArrayList<>();

    @AfterEach
    void close() throws InterruptedException {
        backend.holdHandOvers.countDown();
        for (Thread thread : threads) {
            thread.join(10_000);
        }
        engine.close();
    }

    @Test
    void releaseHandsTheKeyToTheLocalWaiterInOneStoreCall() throws Exception {
        Lease held = engine.acquire("k", WAIT_LONG);
        CompletableFuture<Optional<Lease>> waiter = CompletableFuture.supplyAsync(() -> engine.tryAcquire("k", WAIT_LONG));
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.waiters().size() == 1);

        held.close();

        Lease next = waiter.get(10, TimeUnit.SECONDS).orElseThrow();
        assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
        assertThat(backend.handOverCalls).as("one call released the holder and granted the waiter").hasValue(1);
        assertThat(backend.acquireCalls).as("only the first holder's attempt").hasValue(1);
        assertThat(backend.releaseCalls).hasValue(0);
        next.close();
        assertThat(backend.releaseCalls).as("nobody waits: a plain release").hasValue(1);
        assertThat(engine.keysWithTurns()).isZero();
    }

    @Test
    void successorWhoseWaitEndsDuringTheHandOverKeepsTheGrant() throws Exception {
        backend.holdHandOvers = new CountDownLatch(1);
        Lease held = engine.acquire("k", WAIT_LONG);
        AtomicReference<Optional<Lease>> got = new AtomicReference<>();
        Thread waiter = start(() -> got.set(engine.tryAcquire("k", LockOptions.of(LEASE, Duration.ofMillis(500)))));
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.waiters().size() == 1);
        Thread releaser = start(held::close);
        assertThat(backend.handOverStarted.await(10, TimeUnit.SECONDS)).isTrue();

        // Its 500 ms run out while the store call is held: it then parks without a timeout for the answer.
        await().atMost(Duration.ofSeconds(10)).until(() -> waiter.getState() == Thread.State.WAITING);
        backend.holdHandOvers.countDown();
        waiter.join(10_000);
        releaser.join(10_000);

        assertThat(got.get()).as("the store granted it: it holds the key").isPresent();
        assertThat(got.get().get().isValid()).isTrue();
        got.get().get().close();
        assertThat(backend.releaseCalls).hasValue(1);
    }

    @Test
    void interruptedSuccessorKeepsTheGrantAndItsInterrupt() throws Exception {
        backend.holdHandOvers = new CountDownLatch(1);
        Lease held = engine.acquire("k", WAIT_LONG);
        AtomicReference<Optional<Lease>> got = new AtomicReference<>();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Thread waiter = start(() -> {
            got.set(engine.tryAcquire("k", WAIT_LONG));
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.waiters().size() == 1);
        start(held::close);
        assertThat(backend.handOverStarted.await(10, TimeUnit.SECONDS)).isTrue();

        waiter.interrupt();
        await().atMost(Duration.ofSeconds(10)).until(() -> waiter.getState() == Thread.State.WAITING);
        backend.holdHandOvers.countDown();
        waiter.join(10_000);

        assertThat(got.get()).isPresent();
        assertThat(interruptedAfter).as("the interrupt is kept for the caller").isTrue();
        got.get().get().close();
    }

    @Test
    void unansweredHandOverFreesTheSuccessorsOwnerIdAndTheSuccessorAsksWithANewOne() throws Exception {
        backend.failHandOvers = true;
        Lease held = engine.acquire("k", WAIT_LONG);
        CompletableFuture<Optional<Lease>> waiter = CompletableFuture.supplyAsync(() -> engine.tryAcquire("k", WAIT_LONG));
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.waiters().size() == 1);

        held.close();

        // The store did hand it over but its answer was lost: that grant is released in the background,
        // and the waiter asks again under another owner id, woken by that release.
        Lease next = waiter.get(10, TimeUnit.SECONDS).orElseThrow();
        assertThat(backend.releasedOwners).hasSize(1);
        assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
        assertThat(backend.acquireCalls.get()).as("the waiter asked the store itself").isGreaterThan(1);
        assertThat(next.isValid()).isTrue();
        assertThat(engine.waiters()).as("listed under neither owner id once it holds the key").isEmpty();
        next.close();
    }

    private Thread start(Runnable body) {
        Thread thread = new Thread(body);
        threads.add(thread);
        thread.start();
        return thread;
    }
}
