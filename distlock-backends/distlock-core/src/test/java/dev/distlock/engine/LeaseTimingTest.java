package dev.distlock.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
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
}
