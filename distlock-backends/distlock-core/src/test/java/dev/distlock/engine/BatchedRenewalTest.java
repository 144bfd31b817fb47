package dev.distlock.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.distlock.Lease;
import dev.distlock.LockOptions;

/**
 * Held leases are renewed by one sweep per engine, through {@code LockBackend.renewAll}: many leases
 * per store call, each lease still answered, lost or kept on its own.
 */
class BatchedRenewalTest {

    private static final int LOCKS = 1000;

    private final ScriptedBackend backend = new ScriptedBackend();
    private final RecordingEvents events = new RecordingEvents();

    @AfterEach
    void unblock() {
        backend.unblock.countDown();
    }

    @Test
    void manyHeldLocksAreRenewedInBatchesAndNoneIsLost() {
        LockOptions threeSeconds = LockOptions.of(Duration.ofSeconds(3), Duration.ZERO);
        try (LockEngine engine = LockEngine.builder(backend).namespace("test").events(events).build()) {
            List<Lease> leases = new ArrayList<>();
            for (int i = 0; i < LOCKS; i++) {
                leases.add(engine.acquire("lock-" + i, threeSeconds));
            }

            await("every lock renewed twice").atMost(Duration.ofSeconds(30)).until(() -> leastRenewals() >= 2);

            int renewals = backend.renewedKeys.size();
            int storeCalls = backend.renewAllCalls.get() + backend.singleRenewCalls.get();
            assertThat(storeCalls).as("store calls for %s renewals of %s locks", renewals, LOCKS)
                    .isLessThanOrEqualTo(renewals / 10);
            assertThat(backend.renewAllSizes).as("batches are bounded").allMatch(size -> size <= RenewalBatch.MAX_LEASES);
            assertThat(leases).allMatch(Lease::isValid);
            assertThat(events.count("lost")).isZero();
            leases.forEach(Lease::close);
        }
    }

    @Test
    void aFailingBatchLosesItsLocksOnlyWhenTheirLeasesRunOut() {
        MutableClock clock = new MutableClock(); // stands still: the leases cannot run out until the test moves it
        Duration lease = Duration.ofMillis(600);
        try (LockEngine engine = LockEngine.builder(backend).namespace("test").events(events)
                .clock(clock).nanoClock(clock).build()) {
            List<Lease> leases = List.of(engine.acquire("a", LockOptions.of(lease, Duration.ZERO)),
                    engine.acquire("b", LockOptions.of(lease, Duration.ZERO)));
            backend.renewal = ScriptedBackend.Renewal.FAIL;

            await("several failed batches").atMost(Duration.ofSeconds(10)).until(() -> backend.renewAllCalls.get() >= 3);
            assertThat(leases).as("retried, not lost, while the leases last").allMatch(Lease::isValid);
            assertThat(events.count("lost")).isZero();
            assertThat(events.events).contains("renewed test:a false", "renewed test:b false");

            clock.advance(lease);

            await().atMost(Duration.ofSeconds(10)).until(() -> events.count("lost") == 2);
            assertThat(events.events).filteredOn(event -> event.startsWith("lost"))
                    .allMatch(event -> event.contains("could not renew before the lease ran out"));
            leases.forEach(Lease::close);
        }
    }

    @Test
    void aBatchPastItsDeadlineIsRetriedLeaseByLeaseSoThatAKeyThatHangsHoldsUpOnlyItself() {
        MutableClock clock = new MutableClock();
        LockOptions options = LockOptions.of(Duration.ofMillis(1200), Duration.ZERO);
        backend.hangingRenewals.add("test:stuck");
        try (LockEngine engine = LockEngine.builder(backend).namespace("test").events(events)
                .clock(clock).nanoClock(clock).build()) {
            Lease stuck = engine.acquire("stuck", options);
            Lease healthy = engine.acquire("healthy", options);

            await().atMost(Duration.ofSeconds(10)).until(() -> events.events.contains("renewed test:healthy false"));
            await("renewed alone after the shared batch hung").atMost(Duration.ofSeconds(10))
                    .until(() -> events.events.contains("renewed test:healthy true"));

            assertThat(backend.renewAllSizes.get(0)).as("both leases in the batch that hung").isEqualTo(2);
            assertThat(backend.renewAllSizes.subList(1, backend.renewAllSizes.size())).as("and each alone from then on")
                    .containsOnly(1);
            assertThat(healthy.isValid()).isTrue();
            assertThat(events.count("lost")).isZero();
            backend.unblock.countDown();
            stuck.close();
            healthy.close();
        }
    }

    @Test
    void aRefusalInABatchLosesOnlyThatLock() {
        MutableClock clock = new MutableClock();
        LockOptions options = LockOptions.of(Duration.ofMillis(1200), Duration.ZERO);
        backend.refusedRenewals.add("test:b");
        try (LockEngine engine = LockEngine.builder(backend).namespace("test").events(events)
                .clock(clock).nanoClock(clock).build()) {
            Lease a = engine.acquire("a", options);
            Lease b = engine.acquire("b", options);
            Lease c = engine.acquire("c", options);

            await().atMost(Duration.ofSeconds(10)).until(() -> events.count("lost") == 1);
            int callsAtLoss = backend.renewAllCalls.get();
            await("two more batches").atMost(Duration.ofSeconds(10)).until(() -> backend.renewAllCalls.get() >= callsAtLoss + 2);

            assertThat(backend.renewAllSizes.get(0)).as("the three leases shared the first batch").isEqualTo(3);
            assertThat(events.events).filteredOn(event -> event.startsWith("lost"))
                    .containsExactly("lost test:b: renewal refused: another owner holds the key or it expired");
            assertThat(b.isValid()).isFalse();
            assertThat(a.isValid()).isTrue();
            assertThat(c.isValid()).isTrue();
            a.close();
            b.close();
            c.close();
        }
    }

    @Test
    void aGrantThatLapsedUnnoticedIsLostWhenTheStoreGrantsItsKeyAgain() throws Exception {
        MutableClock clock = new MutableClock(); // stands still: the engine believes the first grant holds
        // Fair, so past the local gate: an unfair second call of this engine would wait in line behind the
        // first and never reach the store while the first is inside its method.
        LockOptions options = LockOptions.of(Duration.ofMillis(300), Duration.ofSeconds(10)).withFair(true);
        try (LockEngine engine = LockEngine.builder(backend).namespace("test").events(events)
                .clock(clock).nanoClock(clock).build()) {
            backend.renewal = ScriptedBackend.Renewal.FAIL; // so the store lets it run out
            Lease first = engine.acquire("k", options);

            Lease second = java.util.concurrent.CompletableFuture.supplyAsync(() -> engine.acquire("k", options))
                    .get(20, java.util.concurrent.TimeUnit.SECONDS);

            assertThat(events.events).filteredOn(event -> event.startsWith("lost"))
                    .containsExactly("lost test:k: the store granted the key again, to another call of this instance: this grant had lapsed");
            assertThat(first.isValid()).isFalse();
            assertThat(second.isValid()).isTrue();
            second.close();
            first.close();
        }
    }

    private long leastRenewals() {
        Map<String, Long> perKey = backend.renewedKeys.stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        return perKey.size() < LOCKS ? 0 : perKey.values().stream().mapToLong(Long::longValue).min().orElse(0);
    }
}
