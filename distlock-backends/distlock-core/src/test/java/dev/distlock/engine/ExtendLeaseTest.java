package dev.distlock.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.distlock.Lease;
import dev.distlock.LockOptions;

/** {@link Lease#extend}: a holder that needs longer (or less) than it asked for says so once. */
class ExtendLeaseTest {

    private final MutableClock clock = new MutableClock();
    private final ScriptedBackend backend = new ScriptedBackend();
    private final RecordingEvents events = new RecordingEvents();
    private final LockEngine engine = LockEngine.builder(backend).namespace("test").events(events)
            .clock(clock).nanoClock(clock).build();

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void anExtendedLeaseRunsTheNewLengthFromNowAndRenewalsKeepIt() {
        try (Lease lease = engine.acquire("import", LockOptions.of(Duration.ofSeconds(30), Duration.ZERO))) {
            clock.advance(Duration.ofSeconds(10));

            assertThat(lease.extend(Duration.ofMinutes(5))).isTrue();

            assertThat(backend.appliedRenewals).containsExactly(Duration.ofMinutes(5));
            assertThat(lease.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
            clock.advance(Duration.ofMinutes(4)); // far past the original 30 s
            assertThat(lease.isValid()).isTrue();
            assertThat(engine.heldLocks()).singleElement().satisfies(held -> assertThat(held.key()).isEqualTo("test:import"));
        }
    }

    @Test
    void aLeaseWithoutAutoRenewalIsValidForTheExtension() {
        try (Lease lease = engine.acquire("import", LockOptions.of(Duration.ofSeconds(1), Duration.ZERO).withAutoRenew(false))) {
            assertThat(lease.extend(Duration.ofSeconds(60))).isTrue();
            clock.advance(Duration.ofSeconds(30));
            assertThat(lease.isValid()).isTrue();
            assertThat(events.count("lost")).isZero();
        }
    }

    @Test
    void aRefusedExtensionLosesTheLease() {
        Lease lease = engine.acquire("import", LockOptions.of(Duration.ofSeconds(30), Duration.ZERO));
        backend.renewal = ScriptedBackend.Renewal.REFUSE;

        assertThat(lease.extend(Duration.ofMinutes(5))).isFalse();

        assertThat(lease.isValid()).isFalse();
        assertThat(events.count("lost")).isOne();
        lease.close();
    }

    @Test
    void aClosedLeaseIsNotExtended() {
        Lease lease = engine.acquire("import", LockOptions.of(Duration.ofSeconds(30), Duration.ZERO));
        lease.close();

        assertThat(lease.extend(Duration.ofMinutes(5))).isFalse();
        assertThat(backend.renewCalls).hasValue(0);
    }

    @Test
    void anExtensionStopsAtMaxHold() {
        LockOptions capped = LockOptions.of(Duration.ofSeconds(30), Duration.ZERO).withMaxHold(Duration.ofMinutes(2));
        try (Lease lease = engine.acquire("import", capped)) {
            clock.advance(Duration.ofSeconds(30));

            assertThat(lease.extend(Duration.ofMinutes(10))).isTrue();

            assertThat(backend.appliedRenewals).containsExactly(Duration.ofSeconds(90));
            assertThat(lease.expiresAt()).isEqualTo(lease.acquiredAt().plus(Duration.ofMinutes(2)));
        }
    }

    @Test
    void anExtensionWaitsForARenewalInFlightSoThatTheRenewalCannotLandAfterIt() throws Exception {
        // 3 s: the renewal is sent after 1 s, and the lease must outlast its hang, the unblocking and
        // the extension; with 300 ms a slow moment of the JVM let it run out first
        try (Lease lease = engine.acquire("import", LockOptions.of(Duration.ofSeconds(3), Duration.ZERO))) {
            backend.hangNextRenewal.set(true);
            await().atMost(Duration.ofSeconds(10)).until(() -> backend.renewCalls.get() >= 1);
            Thread extending = Thread.currentThread();
            Thread unblocker = new Thread(() -> {
                // The hung renewal ends only once the extension waits for it.
                await().atMost(Duration.ofSeconds(10)).until(() -> extending.getState() == Thread.State.TIMED_WAITING);
                backend.unblock.countDown();
            });
            unblocker.start();

            assertThat(lease.extend(Duration.ofMinutes(5))).isTrue();

            unblocker.join(10_000);
            assertThat(backend.appliedRenewals).last().as("the extension is the last the store applied")
                    .isEqualTo(Duration.ofMinutes(5));
        }
    }

    @Test
    void renewalsAfterAnExtensionAskForTheExtendedLease() {
        try (Lease lease = engine.acquire("import", LockOptions.of(Duration.ofSeconds(30), Duration.ZERO))) {
            assertThat(lease.extend(Duration.ofMillis(600))).isTrue(); // renewed every 200 ms from now on

            await().atMost(Duration.ofSeconds(10)).until(() -> backend.appliedRenewals.size() >= 3);

            assertThat(backend.appliedRenewals).as("the extension, then the renewals after it")
                    .allMatch(Duration.ofMillis(600)::equals);
        }
    }
}
