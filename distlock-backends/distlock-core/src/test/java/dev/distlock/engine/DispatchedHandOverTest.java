package dev.distlock.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.distlock.Lease;
import dev.distlock.LockOptions;

/**
 * A hand-over that the backend sends without blocking ({@link dev.distlock.spi.DispatchingBackend#dispatchHandOver})
 * does not hold the releasing thread: the store's answer is the successor's and reaches it from the
 * client's I/O thread, one wake-up per hand-off. An answer that never comes ends at the operation
 * timeout as any unanswered call does.
 */
class DispatchedHandOverTest {

    private static final LockOptions WAIT_LONG = LockOptions.of(Duration.ofSeconds(60), Duration.ofSeconds(30));
    private static final Duration BOUND = Duration.ofSeconds(10);

    private final DispatchingHandOverBackend backend = new DispatchingHandOverBackend();
    private final LockEngine engine = LockEngine.builder(backend).namespace("test")
            .operationTimeout(Duration.ofMillis(300)).build();

    @AfterEach
    void close() {
        backend.unblock.countDown();
        engine.close();
    }

    @Test
    void theReleaserReturnsBeforeTheAnswerAndTheSuccessorIsGrantedFromTheIoThread() throws Exception {
        Lease held = engine.acquire("k", WAIT_LONG);
        CompletableFuture<Optional<Lease>> waiter = CompletableFuture.supplyAsync(() -> engine.tryAcquire("k", WAIT_LONG));
        await().atMost(BOUND).until(() -> engine.waiters().size() == 1);
        backend.holdHandOvers = true;

        assertTimeout(BOUND, held::close);

        assertThat(backend.handOverDispatchedFrom).isSameAs(Thread.currentThread());
        assertThat(backend.lastHandOver).as("close returned with the answer still to come").isNotDone();
        assertThat(held.isValid()).isFalse();
        assertThat(waiter).as("the successor waits for the answer").isNotDone();

        backend.answerHeldHandOver();

        Lease next = waiter.get(BOUND.toSeconds(), TimeUnit.SECONDS).orElseThrow();
        assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
        assertThat(backend.releaseCalls).as("the hand-over was the release").hasValue(0);
        next.close();
        assertThat(engine.keysWithTurns()).isZero();
    }

    @Test
    void anAnswerThatNeverComesEndsAtTheOperationTimeoutAndTheSuccessorAsksWithANewOwnerId() throws Exception {
        engine.acquire("warm-up", WAIT_LONG).close(); // from now on every call has the operation timeout
        Lease held = engine.acquire("k", WAIT_LONG);
        CompletableFuture<Optional<Lease>> waiter = CompletableFuture.supplyAsync(() -> engine.tryAcquire("k", WAIT_LONG));
        await().atMost(BOUND).until(() -> engine.waiters().size() == 1);
        backend.holdHandOvers = true;

        held.close();
        assertThat(backend.handOverHeld.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();

        // The store granted the successor's first owner id, whose answer was lost: that grant is given
        // back in the background and the successor is granted under an owner id of its own.
        Lease next = waiter.get(BOUND.toSeconds(), TimeUnit.SECONDS).orElseThrow();
        await().atMost(BOUND).untilAsserted(() ->
                assertThat(backend.lastHandOver).as("cancelled at the operation timeout").isCancelled());
        assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
        assertThat(next.isValid()).isTrue();
        assertThat(engine.waiters()).isEmpty();
        next.close();
    }
}
