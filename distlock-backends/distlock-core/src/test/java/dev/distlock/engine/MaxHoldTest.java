package dev.distlock.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.distlock.Lease;
import dev.distlock.LockOptions;

/** maxHold caps auto-renewal: a call that hangs loses its lock at the cap instead of holding it forever. */
class MaxHoldTest {

    private static final Duration LEASE = Duration.ofMillis(300);
    private static final Duration MAX_HOLD = Duration.ofMillis(1000);

    private final ScriptedBackend backend = new ScriptedBackend();
    private final RecordingEvents events = new RecordingEvents();
    private final LockEngine engine = LockEngine.builder(backend).namespace("test").events(events).build();
    private final LockEngine otherInstance = LockEngine.builder(backend).namespace("other").build();

    @AfterEach
    void close() {
        engine.close();
        otherInstance.close();
    }

    @Test
    void autoRenewalStopsAtMaxHoldAndTheHolderIsToldItLostTheLock() {
        Lease lease = engine.acquire("job", LockOptions.of(LEASE, Duration.ZERO).withMaxHold(MAX_HOLD));
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> events.count("lost") == 1);

            assertThat(events.events).anySatisfy(event -> assertThat(event).startsWith("lost test:job: held for maxHold (PT1S)"));
            assertThat(lease.isValid()).isFalse();
            assertThat(backend.appliedRenewals).as("renewed while under the cap").isNotEmpty();
            assertThat(backend.appliedRenewals.get(backend.appliedRenewals.size() - 1))
                    .as("the last renewal asks only for what is left until the cap").isLessThan(LEASE);
            assertThat(lease.expiresAt()).as("the lease ended no later than the cap")
                    .isBeforeOrEqualTo(lease.acquiredAt().plus(MAX_HOLD));
            assertThat(otherInstance.tryAcquireFullKey("test:job", LockOptions.of(LEASE, Duration.ofSeconds(5))))
                    .as("another instance gets the key after the cap").hasValueSatisfying(Lease::close);
        } finally {
            lease.close();
        }
    }

    @Test
    void withoutMaxHoldAutoRenewalKeepsTheLockPastTheCapsLength() {
        try (Lease lease = engine.acquire("job", LockOptions.of(LEASE, Duration.ZERO))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> backend.appliedRenewals.size() >= 5);
            assertThat(lease.isValid()).isTrue();
            assertThat(events.count("lost")).isZero();
        }
    }

    @Test
    void maxHoldShorterThanTheLeaseIsRefused() {
        assertThatThrownBy(() -> LockOptions.of(Duration.ofSeconds(10), Duration.ZERO).withMaxHold(Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxHold must not be shorter than the lease (PT10S), was PT5S");
    }
}
