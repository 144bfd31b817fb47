package dev.distlock.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.distlock.Lease;
import dev.distlock.LockOptions;

/** When a lease starts and how its holder judges it: from the granted attempt, on a monotonic clock. */
class LeaseTimingTest {

    private static final LockOptions LONG = LockOptions.of(Duration.ofSeconds(60), Duration.ZERO);

    private final MutableClock clock = new MutableClock();
    private final ScriptedBackend backend = new ScriptedBackend();
    private final RecordingEvents events = new RecordingEvents();
    private final LockEngine holder = LockEngine.builder(backend).namespace("test").build();
    private final LockEngine engine = LockEngine.builder(backend).namespace("test").events(events)
            .clock(clock).nanoClock(clock).build();

    @AfterEach
    void close() {
        engine.close();
        holder.close();
    }

    @Test
    void waiterGrantedAfterWaitingLongerThanItsLeaseHoldsAValidLease() throws Exception {
        Lease held = holder.acquire("k", LONG);
        LockOptions oneSecond = LockOptions.of(Duration.ofSeconds(1), Duration.ofSeconds(60))
                .withHoldAtLeast(Duration.ofSeconds(3));
        CompletableFuture<Optional<Lease>> waiter = CompletableFuture.supplyAsync(() -> engine.tryAcquire("k", oneSecond));
        await().atMost(Duration.ofSeconds(10)).until(() -> !engine.waiters().isEmpty());

        clock.advance(Duration.ofSeconds(5)); // the holder kept the key five times the waiter's lease
        held.close();

        Lease lease = waiter.get(20, TimeUnit.SECONDS).orElseThrow();
        assertThat(lease.isValid()).as("valid at once after the grant").isTrue();
        assertThat(lease.expiresAt()).isAfter(clock.instant());
        assertThat(engine.heldLocks()).hasSize(1);
        lease.close();
        assertThat(events.count("lost")).as("not counted lost at release").isZero();
        assertThat(holder.tryAcquire("k", LONG)).as("holdAtLeast counts from the grant, not from the first attempt").isEmpty();
    }

    @Test
    void displayedTimesKeepTheWallClocksNanoseconds() {
        clock.advance(Duration.ofNanos(1)); // a wall clock reading below the microsecond
        Instant answered = clock.instant();
        try (Lease lease = engine.acquire("k", LONG)) {
            // The mutable clock does not move during the call: sent and answered at the same moment.
            assertThat(lease.acquiredAt()).isEqualTo(answered);
            assertThat(lease.expiresAt()).isEqualTo(answered.plus(LONG.lease()));
        }
    }

    @Test
    void wallClockStepDoesNotChangeWhatTheHolderBelieves() {
        try (Lease lease = engine.acquire("k", LONG)) {
            clock.stepWallClock(Duration.ofHours(2)); // NTP steps the wall clock forward

            assertThat(lease.isValid()).isTrue();
            assertThat(engine.heldLocks()).hasSize(1);
            try (Lease again = engine.acquire("k", LONG)) {
                assertThat(again.fencingToken()).isEqualTo(lease.fencingToken());
            }
        }
        assertThat(events.count("lost")).isZero();
    }

    @Test
    void leaseThatRanOutIsInvalidWhateverTheWallClockSays() {
        Lease lease = engine.acquire("k", LockOptions.of(Duration.ofSeconds(60), Duration.ZERO).withAutoRenew(false));
        clock.advance(Duration.ofSeconds(61));
        clock.stepWallClock(Duration.ofSeconds(-120)); // and NTP steps the wall clock back

        assertThat(lease.isValid()).isFalse();
        assertThat(engine.heldLocks()).isEmpty();
        lease.close();
    }

    @Test
    void grantValidShorterThanTheLeaseExpiresWhenTheBackendSaid() {
        backend.grantValidity = Duration.ofSeconds(40);
        Lease lease = engine.acquire("k", LockOptions.of(Duration.ofSeconds(60), Duration.ZERO).withAutoRenew(false));

        assertThat(Duration.between(lease.acquiredAt(), lease.expiresAt())).isEqualTo(Duration.ofSeconds(40));
        clock.advance(Duration.ofSeconds(40).minusNanos(1));
        assertThat(lease.isValid()).as("valid until the backend's validity").isTrue();
        clock.advance(Duration.ofNanos(1));
        assertThat(lease.isValid()).as("not valid once the backend's validity has passed, 20 s before the lease").isFalse();
        assertThat(engine.heldLocks()).isEmpty();
        lease.close();
    }

    @Test
    void validityLongerThanTheLeaseIsCountedAsTheLease() {
        backend.grantValidity = Duration.ofSeconds(90);
        try (Lease lease = engine.acquire("k", LockOptions.of(Duration.ofSeconds(60), Duration.ZERO).withAutoRenew(false))) {
            assertThat(Duration.between(lease.acquiredAt(), lease.expiresAt())).isEqualTo(Duration.ofSeconds(60));
        }
    }

    @Test
    void renewalValidShorterThanTheLeaseExpiresWhenTheBackendSaid() {
        // Renewed at a third of the lease (1 s of real time); the monotonic clock stands still meanwhile.
        backend.renewValidity = Duration.ofSeconds(2);
        try (Lease lease = engine.acquire("k", LockOptions.of(Duration.ofSeconds(3), Duration.ZERO))) {
            assertThat(Duration.between(lease.acquiredAt(), lease.expiresAt())).isEqualTo(Duration.ofSeconds(3));

            await().atMost(Duration.ofSeconds(10)).until(() -> backend.appliedRenewals.size() >= 1);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(Duration.between(lease.acquiredAt(), lease.expiresAt())).isEqualTo(Duration.ofSeconds(2)));
            clock.advance(Duration.ofSeconds(2));
            assertThat(lease.isValid()).as("not valid once the renewal's validity has passed").isFalse();
        }
    }
}
