package dev.distlock.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.spi.LockBackendException;

/** No store call holds the engine longer than its operation timeout; an unanswered grant is given back. */
class StoreDeadlineTest {

    private static final LockOptions LONG = LockOptions.of(Duration.ofSeconds(60), Duration.ZERO);
    // Far above the 1 s default operation timeout, far below the store's own 60 s hang.
    private static final Duration BOUND = Duration.ofSeconds(10);

    private final ScriptedBackend backend = new ScriptedBackend();
    private final LockEngine other = LockEngine.builder(backend).namespace("test").build();
    private final LockEngine engine = LockEngine.builder(backend).namespace("test").build();

    /** The store has answered once: from then on every call has the operation timeout. */
    @BeforeEach
    void storeAnsweredOnce() {
        engine.acquire("warm-up", LONG).close();
    }

    @AfterEach
    void close() {
        backend.unblock.countDown();
        engine.close();
        other.close();
    }

    @Test
    void acquisitionFromAStoreThatDoesNotAnswerFailsWithinTheOperationTimeout() {
        backend.hangAcquire = true;
        assertTimeoutPreemptively(BOUND, () ->
                assertThatThrownBy(() -> engine.tryAcquire("k", LONG))
                        .isInstanceOf(LockBackendException.class)
                        .hasMessageContaining("did not answer"));
    }

    @Test
    void releaseToAStoreThatDoesNotAnswerReturnsWithinTheOperationTimeout() {
        Lease lease = engine.acquire("k", LONG);
        backend.hangRelease = true;
        assertTimeoutPreemptively(BOUND, lease::close);
        assertThat(lease.isValid()).isFalse();
    }

    @Test
    void renewalsOfOtherLocksGoOnWhileSomeRenewalsHang() {
        LockOptions shortLease = LockOptions.of(Duration.ofMillis(300), Duration.ZERO);
        backend.hangingRenewals.add("test:stuck-1");
        backend.hangingRenewals.add("test:stuck-2");
        backend.hangingRenewals.add("test:stuck-3");
        engine.acquire("stuck-1", shortLease);
        engine.acquire("stuck-2", shortLease);
        engine.acquire("stuck-3", shortLease);
        try (Lease healthy = engine.acquire("healthy", shortLease)) {
            int before = backend.appliedRenewals.size();
            await().atMost(BOUND).until(() -> backend.appliedRenewals.size() >= before + 6);
            assertThat(healthy.isValid()).isTrue();
        }
    }

    @Test
    void grantWhoseReplyWasLostIsGivenBack() {
        backend.loseGrantReplies = true;
        assertThatThrownBy(() -> engine.tryAcquire("k", LONG)).isInstanceOf(LockBackendException.class);
        backend.loseGrantReplies = false;

        // Well before the 60 s lease that the store applied runs out.
        await().atMost(BOUND).until(() -> other.tryAcquire("k", LONG).map(lease -> {
            lease.close();
            return true;
        }).orElse(false));
    }

    @Test
    void untilTheStoreFirstAnswersCallsGetTheFirstConnectionTimeout() {
        ScriptedBackend cold = new ScriptedBackend();
        cold.hangAcquire = true;
        cold.hangHealth = true;
        try (LockEngine starting = LockEngine.builder(cold).operationTimeout(Duration.ofMillis(100))
                .firstConnectionTimeout(Duration.ofMillis(1500)).build()) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> starting.tryAcquire("k", LONG))
                    .isInstanceOf(LockBackendException.class)
                    .hasMessageContaining("first-connection timeout");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
        } finally {
            cold.unblock.countDown();
        }
    }
}
