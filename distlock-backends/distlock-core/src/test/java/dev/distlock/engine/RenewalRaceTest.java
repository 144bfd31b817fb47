package dev.distlock.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.distlock.Lease;
import dev.distlock.LockOptions;

/** Renewals and the end of a hold, when they cross. */
class RenewalRaceTest {

    private final MutableClock clock = new MutableClock();
    private final ScriptedBackend backend = new ScriptedBackend();
    private final RecordingEvents events = new RecordingEvents();
    private final LockEngine engine = LockEngine.builder(backend).namespace("test").events(events).clock(clock).nanoClock(clock)
            .leaseLossPolicy(LeaseLossPolicy.INTERRUPT).build();

    @AfterEach
    void close() {
        backend.unblock.countDown();
        engine.close();
    }

    @Test
    void renewalInFlightDoesNotReextendAHoldAtLeastThatWasShortened() {
        // Long enough that the store's own (real-time) lease does not run out while the test looks.
        LockOptions options = LockOptions.of(Duration.ofSeconds(3), Duration.ZERO).withHoldAtLeast(Duration.ofSeconds(2));
        backend.hangNextRenewal.set(true);
        Lease lease = engine.acquire("k", options);
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.renewCalls.get() >= 1); // in flight, unanswered

        lease.close(); // shortens the lease to the 2 s hold that remains (the test's clock stands still)
        backend.unblock.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> backend.appliedRenewals.size() >= 2);
        List<Duration> applied = backend.appliedRenewals;
        assertThat(applied.get(applied.size() - 1)).as("the last renewal the store applied").isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void renewalTheEngineStoppedWaitingForCannotReextendAShortenedHoldEither() {
        // Long enough that the store's own (real-time) lease does not run out while the test looks.
        // Renewed every 2 s, each waited for 1 s (the operation timeout): room for a second renewal.
        LockOptions options = LockOptions.of(Duration.ofSeconds(6), Duration.ZERO).withHoldAtLeast(Duration.ofSeconds(2));
        backend.hangNextRenewal.set(true);
        Lease lease = engine.acquire("k", options);
        // The renewal's deadline passed: the engine stopped waiting, the call did not end.
        await().atMost(Duration.ofSeconds(10)).until(() -> events.count("renewed test:k false") >= 1);
        // And the next renewal went out and was answered while the first still runs on its thread.
        await().atMost(Duration.ofSeconds(10)).until(() -> events.count("renewed test:k true") >= 1);

        int callsAtClose = backend.renewCalls.get();
        lease.close();
        // The shortening is not sent while the first renewal may still reach the store.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> backend.renewCalls.get() == callsAtClose);
        backend.unblock.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> backend.appliedRenewals.size() >= 2);
        List<Duration> applied = backend.appliedRenewals;
        assertThat(applied.get(applied.size() - 1)).as("the last renewal the store applied").isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void leaseFoundRunOutAtReleaseDoesNotInterruptTheReleasingThread() {
        Lease lease = engine.acquire("k", LockOptions.of(Duration.ofSeconds(60), Duration.ZERO));
        clock.advance(Duration.ofSeconds(61)); // paused past the lease before any renewal ran
        lease.close();

        assertThat(Thread.interrupted()).as("the method had returned: nothing to interrupt").isFalse();
        assertThat(events.count("lost")).isEqualTo(1);
    }
}
