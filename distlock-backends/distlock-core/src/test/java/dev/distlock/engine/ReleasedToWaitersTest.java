package dev.distlock.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.distlock.Lease;
import dev.distlock.LockOptions;

/**
 * Two engines on one store, as two JVMs: an engine whose release woke the other's waiter lets that
 * waiter ask first before it takes the key again, and one whose release woke nobody asks again at
 * once. Told by fencing tokens and subscription counts, not by times.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReleasedToWaitersTest {

    private static final Duration LEASE = Duration.ofSeconds(30);
    /** Longer than the test runs: only the waiter's release can end the releaser's wait. */
    private static final WaitSettings SETTINGS = new WaitSettings(Duration.ofMillis(10), Duration.ofMillis(500),
            Duration.ofMinutes(2), Duration.ofMinutes(2));

    private final WaiterReportingBackend store = new WaiterReportingBackend();
    private final LockEngine releaser = LockEngine.builder(store).namespace("t").waitSettings(SETTINGS).build();
    private final LockEngine waiter = LockEngine.builder(store).namespace("t").waitSettings(SETTINGS).build();

    @AfterEach
    void close() {
        releaser.close();
        waiter.close();
    }

    @Test
    void anEngineThatReleasedToAWaiterLetsItAskFirst() throws Exception {
        Lease first = releaser.tryAcquire("job", LockOptions.of(LEASE, Duration.ZERO)).orElseThrow();
        AtomicBoolean releaserDone = new AtomicBoolean();
        CompletableFuture<Long> waiterToken = CompletableFuture.supplyAsync(() -> {
            try (Lease lease = waiter.tryAcquire("job", LockOptions.of(LEASE, Duration.ofSeconds(30))).orElseThrow()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> !releaser.waiters().isEmpty() || releaserDone.get());
                return lease.fencingToken();
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> store.openSubscriptions.get() == 1);

        first.close();
        long again;
        try (Lease lease = releaser.tryAcquire("job", LockOptions.of(LEASE, Duration.ofSeconds(30))).orElseThrow()) {
            again = lease.fencingToken();
        } finally {
            releaserDone.set(true);
        }

        assertThat(waiterToken.get(20, TimeUnit.SECONDS)).as("the waiter's grant, between the releaser's two")
                .isGreaterThan(first.fencingToken()).isLessThan(again);
    }

    @Test
    void anEngineThatReleasedToNobodyAsksAgainAtOnce() {
        releaser.tryAcquire("job", LockOptions.of(LEASE, Duration.ZERO)).orElseThrow().close();

        Lease again = releaser.tryAcquire("job", LockOptions.of(LEASE, Duration.ofSeconds(30))).orElseThrow();
        again.close();

        assertThat(store.subscriptionsMade).as("no subscription: the first attempt went out at once").hasValue(0);
    }

    @Test
    void theWaitersGoFirstOnceAndTheNextReleaseToNobodyIsAskedAgainAtOnce() throws Exception {
        Lease first = releaser.tryAcquire("job", LockOptions.of(LEASE, Duration.ZERO)).orElseThrow();
        CompletableFuture<Void> waiterDone = CompletableFuture.runAsync(() -> {
            try (Lease lease = waiter.tryAcquire("job", LockOptions.of(LEASE, Duration.ofSeconds(30))).orElseThrow()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> !releaser.waiters().isEmpty());
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> store.openSubscriptions.get() == 1);
        first.close();
        Lease again = releaser.tryAcquire("job", LockOptions.of(LEASE, Duration.ofSeconds(30))).orElseThrow();
        waiterDone.get(20, TimeUnit.SECONDS);
        await("every subscription closed").atMost(Duration.ofSeconds(10)).until(() -> store.openSubscriptions.get() == 0);
        again.close(); // woke nobody
        int made = store.subscriptionsMade.get();

        releaser.tryAcquire("job", LockOptions.of(LEASE, Duration.ofSeconds(30))).orElseThrow().close();

        assertThat(store.subscriptionsMade).as("no subscription: asked at once").hasValue(made);
    }
}
