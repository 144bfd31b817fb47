package dev.distlock.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.distlock.Lease;
import dev.distlock.LockNotAcquiredException;
import dev.distlock.LockOptions;
import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.ReleaseOutcome;

/**
 * A backend that can send without blocking ({@link dev.distlock.spi.DispatchingBackend}) is called
 * from the caller's thread, with every rule of a call on a store-call thread kept: the operation
 * timeout, the first-connection timeout, cancel on timeout, an interrupt cancels an acquire, a
 * release waits through one.
 */
class DispatchedStoreCallsTest {

    private static final LockOptions LONG = LockOptions.of(Duration.ofSeconds(60), Duration.ZERO);
    // Far above the operation timeouts used here, far below the store's own 60 s hang.
    private static final Duration BOUND = Duration.ofSeconds(10);

    private final DispatchingScriptedBackend backend = new DispatchingScriptedBackend();
    private final LockEngine engine = LockEngine.builder(backend).namespace("test")
            .operationTimeout(Duration.ofMillis(200)).build();

    @AfterEach
    void close() {
        backend.unblock.countDown();
        engine.close();
    }

    /** The store has answered once: from then on every call has the operation timeout. */
    private void storeAnsweredOnce() {
        engine.acquire("warm-up", LONG).close();
    }

    @Test
    void acquireAndReleaseAreSentFromTheCallersThreadWithoutAStoreCallThread() {
        try (Lease lease = engine.acquire("k", LONG)) {
            assertThat(lease.isValid()).isTrue();
        }
        assertThat(backend.acquireDispatchedFrom).isSameAs(Thread.currentThread());
        assertThat(backend.releaseDispatchedFrom).isSameAs(Thread.currentThread());
        assertThat(backend.acquireCalls).hasValue(0);
        assertThat(backend.blockingAcquireRanOn).isNull();
    }

    @Test
    void aBackendThatCannotDispatchIsCalledOnAStoreCallThread() {
        backend.cannotDispatch = true;
        engine.acquire("k", LONG).close();
        assertThat(backend.blockingAcquireRanOn).isNotNull().isNotSameAs(Thread.currentThread());
        assertThat(backend.blockingAcquireRanOn.getName()).startsWith("distlock-store");
        assertThat(backend.releaseCalls).hasValue(1);
    }

    @Test
    void anUnansweredDispatchedAcquireFailsWithinTheOperationTimeoutAndIsCancelled() {
        storeAnsweredOnce();
        backend.holdAcquires = true;
        assertTimeoutPreemptively(BOUND, () ->
                assertThatThrownBy(() -> engine.tryAcquire("k", LONG))
                        .isInstanceOf(LockBackendException.class)
                        .hasMessageContaining("did not answer acquire")
                        .hasMessageContaining("operation timeout"));
        assertThat(backend.lastAcquire).isCancelled();
    }

    @Test
    void anUnansweredDispatchedReleaseReturnsWithinTheOperationTimeoutAndIsCancelled() {
        Lease lease = engine.acquire("k", LONG);
        backend.holdReleases = true;
        assertTimeoutPreemptively(BOUND, lease::close);
        assertThat(lease.isValid()).isFalse();
        assertThat(backend.lastRelease).isCancelled();
    }

    @Test
    void anInterruptCancelsADispatchedAcquire() throws Exception {
        storeAnsweredOnce();
        LockEngine patient = LockEngine.builder(backend).namespace("test").operationTimeout(Duration.ofSeconds(60)).build();
        backend.holdAcquires = true;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                patient.tryAcquire("k", LONG);
            } catch (RuntimeException e) {
                failure.set(e);
            }
        });
        try {
            caller.start();
            assertThat(backend.acquireHeld.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            caller.interrupt();
            caller.join(BOUND.toMillis());
            assertThat(caller.isAlive()).isFalse();
            assertThat(failure.get()).isInstanceOf(LockNotAcquiredException.class).hasMessageContaining("Interrupted");
            assertThat(backend.lastAcquire).isCancelled();
        } finally {
            patient.close();
        }
    }

    @Test
    void aDispatchedReleaseWaitsThroughAnInterruptAndRestoresIt() throws Exception {
        LockEngine patient = LockEngine.builder(backend).namespace("test").operationTimeout(Duration.ofSeconds(60)).build();
        AtomicBoolean interruptedAfterClose = new AtomicBoolean();
        AtomicReference<CompletableFuture<ReleaseOutcome>> awaited = new AtomicReference<>();
        Thread holder = new Thread(() -> {
            Lease lease = patient.acquire("k", LONG);
            backend.holdReleases = true;
            Thread.currentThread().interrupt(); // as for a holder interrupted on losing its lease
            lease.close();
            interruptedAfterClose.set(Thread.interrupted());
            awaited.set(backend.lastRelease);
        });
        try {
            holder.start();
            assertThat(backend.releaseHeld.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            CompletableFuture<ReleaseOutcome> release = backend.lastRelease;
            assertThat(release).isNotCancelled();
            release.complete(ReleaseOutcome.RELEASED);
            holder.join(BOUND.toMillis());
            assertThat(holder.isAlive()).isFalse();
            assertThat(awaited.get()).isSameAs(release).isCompletedWithValue(ReleaseOutcome.RELEASED);
            assertThat(interruptedAfterClose).isTrue();
        } finally {
            patient.close();
        }
    }

    @Test
    void untilTheStoreFirstAnswersADispatchedCallGetsTheFirstConnectionTimeout() {
        DispatchingScriptedBackend cold = new DispatchingScriptedBackend();
        cold.holdAcquires = true;
        cold.hangHealth = true;
        try (LockEngine starting = LockEngine.builder(cold).operationTimeout(Duration.ofMillis(100))
                .firstConnectionTimeout(Duration.ofMillis(300)).build()) {
            assertTimeoutPreemptively(BOUND, () ->
                    assertThatThrownBy(() -> starting.tryAcquire("k", LONG))
                            .isInstanceOf(LockBackendException.class)
                            .hasMessageContaining("within PT0.3S")
                            .hasMessageContaining("first-connection timeout"));
            assertThat(cold.lastAcquire).isCancelled();

            // Once it has answered, the operation timeout.
            cold.holdAcquires = false;
            assertThat(starting.tryAcquire("k", LONG)).isPresent().get().satisfies(Lease::close);
            cold.holdAcquires = true;
            assertThatThrownBy(() -> starting.tryAcquire("k2", LONG))
                    .isInstanceOf(LockBackendException.class)
                    .hasMessageContaining("within PT0.1S")
                    .hasMessageContaining("(the operation timeout");
        } finally {
            cold.unblock.countDown();
        }
    }

    @Test
    void aFailedDispatchedAcquireFailsWithTheStoresException() {
        storeAnsweredOnce();
        backend.holdAcquires = true;
        Thread failer = new Thread(() -> {
            try {
                if (backend.acquireHeld.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                    backend.lastAcquire.completeExceptionally(new LockBackendException("connection reset (scripted)"));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        failer.start();
        LockEngine patient = LockEngine.builder(backend).namespace("test").operationTimeout(Duration.ofSeconds(60)).build();
        try {
            assertThatThrownBy(() -> patient.tryAcquire("k", LONG))
                    .isInstanceOf(LockBackendException.class)
                    .hasMessage("connection reset (scripted)");
        } finally {
            patient.close();
        }
    }
}
