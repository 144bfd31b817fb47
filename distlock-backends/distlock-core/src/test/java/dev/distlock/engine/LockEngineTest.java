package dev.distlock.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.distlock.Lease;
import dev.distlock.LockNotAcquiredException;
import dev.distlock.LockOptions;

class LockEngineTest {

    private static final LockOptions LONG = LockOptions.of(Duration.ofSeconds(60), Duration.ZERO);

    private final ScriptedBackend backend = new ScriptedBackend();
    private final RecordingEvents events = new RecordingEvents();
    private final LockEngine otherInstance = LockEngine.builder(backend).namespace("test").build();
    // Built last, so that the backend's lease-loss listener is this engine's.
    private final LockEngine engine = LockEngine.builder(backend).namespace("test").events(events).build();

    @AfterEach
    void close() {
        engine.close();
        otherInstance.close();
    }

    @Test
    void keysCarryTheNamespace() {
        try (Lease lease = engine.acquire("orders:42", LONG)) {
            assertThat(lease.key()).isEqualTo("test:orders:42");
        }
    }

    @Test
    void reentryOnTheSameThreadMakesNoBackendCallAndKeepsTheToken() {
        try (Lease outer = engine.acquire("k", LONG)) {
            int callsAfterOuter = backend.acquireCalls.get();
            try (Lease inner = engine.acquire("k", LONG)) {
                assertThat(inner.fencingToken()).isEqualTo(outer.fencingToken());
                assertThat(backend.acquireCalls).hasValue(callsAfterOuter);
            }
            assertThat(outer.isValid()).as("outer still held after the inner close").isTrue();
            assertThat(backend.releaseCalls).hasValue(0);
            assertThat(otherInstance.tryAcquire("k", LONG)).isEmpty();
        }
        assertThat(backend.releaseCalls).hasValue(1);
        assertThat(otherInstance.tryAcquire("k", LONG)).isPresent();
    }

    @Test
    void closingALeaseTwiceReleasesOnce() {
        Lease lease = engine.acquire("k", LONG);
        lease.close();
        lease.close();
        assertThat(backend.releaseCalls).hasValue(1);
        assertThat(lease.isValid()).isFalse();
    }

    @Test
    void theFirstHandleClosedTwiceEndsOnlyItsOwnHold() {
        Lease outer = engine.acquire("k", LONG); // the grant itself is this handle
        Lease inner = engine.acquire("k", LONG);
        outer.close();
        outer.close();
        assertThat(outer.isValid()).isFalse();
        assertThat(inner.isValid()).as("the re-entrant hold still holds the grant").isTrue();
        assertThat(backend.releaseCalls).hasValue(0);
        inner.close();
        assertThat(backend.releaseCalls).hasValue(1);
        assertThat(otherInstance.tryAcquire("k", LONG)).isPresent();
    }

    @Test
    void anotherThreadOfTheSameInstanceDoesNotReenter() throws Exception {
        try (Lease lease = engine.acquire("k", LONG)) {
            Optional<Lease> fromOtherThread = CompletableFuture.supplyAsync(() -> engine.tryAcquire("k", LONG)).get(10, TimeUnit.SECONDS);
            assertThat(fromOtherThread).isEmpty();
        }
    }

    @Test
    void detachedLeaseIsNotReenteredByItsThread() {
        EngineLease async = (EngineLease) engine.acquire("k", LONG);
        async.detachFromThread();

        assertThat(engine.tryAcquire("k", LONG)).isEmpty();
        async.close();
        assertThat(engine.tryAcquire("k", LONG)).isPresent();
    }

    @Test
    void detachingAReenteredLeaseKeepsItReentrantForTheOuterCall() {
        try (Lease outer = engine.acquire("k", LONG)) {
            EngineLease inner = (EngineLease) engine.acquire("k", LONG);
            inner.detachFromThread();

            try (Lease again = engine.acquire("k", LONG)) {
                assertThat(again.fencingToken()).isEqualTo(outer.fencingToken());
            }
            inner.close();
        }
    }

    @Test
    void waiterWithoutNotificationsPollsUntilTheHolderReleases() throws Exception {
        Lease held = otherInstance.acquire("k", LONG);
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Optional<Lease>> waiter = CompletableFuture.supplyAsync(() -> {
            waiting.countDown();
            return engine.tryAcquire("k", LockOptions.of(Duration.ofSeconds(60), Duration.ofSeconds(30)));
        });
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.acquireCalls.get() >= 3);

        held.close();

        Optional<Lease> lease = waiter.get(20, TimeUnit.SECONDS);
        assertThat(lease).isPresent();
        assertThat(lease.get().fencingToken()).isGreaterThan(held.fencingToken());
        lease.get().close();
    }

    @Test
    void waiterGivesUpAfterWaitFor() {
        try (Lease held = otherInstance.acquire("k", LONG)) {
            assertThat(engine.tryAcquire("k", LockOptions.of(Duration.ofSeconds(60), Duration.ofMillis(200)))).isEmpty();
            assertThat(events.count("not-acquired")).isEqualTo(1);
        }
    }

    @Test
    void renewalKeepsAShortLeaseAlive() {
        LockOptions shortLease = LockOptions.of(Duration.ofMillis(300), Duration.ZERO);
        try (Lease lease = engine.acquire("k", shortLease)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> backend.renewCalls.get() >= 6);
            assertThat(lease.isValid()).isTrue();
            assertThat(otherInstance.tryAcquire("k", shortLease)).isEmpty();
        }
        assertThat(events.count("lost")).isZero();
    }

    @Test
    void refusedRenewalLosesTheLeaseAndInterruptsTheHolder() throws Exception {
        LockEngine interrupting = LockEngine.builder(backend).namespace("test").events(events)
                .leaseLossPolicy(LeaseLossPolicy.INTERRUPT).build();
        backend.renewal = ScriptedBackend.Renewal.REFUSE;
        CountDownLatch interrupted = new CountDownLatch(1);
        Lease[] lease = new Lease[1];
        Thread holder = new Thread(() -> {
            lease[0] = interrupting.acquire("k", LockOptions.of(Duration.ofMillis(300), Duration.ZERO));
            try {
                new CountDownLatch(1).await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        holder.start();

        assertThat(interrupted.await(20, TimeUnit.SECONDS)).isTrue();
        holder.join(10_000);
        assertThat(lease[0].isValid()).isFalse();
        assertThat(events.events).anyMatch(event -> event.startsWith("lost test:k: renewal refused"));
    }

    @Test
    void failedRenewalsLoseTheLeaseWhenItRunsOut() {
        backend.renewal = ScriptedBackend.Renewal.FAIL;
        Lease lease = engine.acquire("k", LockOptions.of(Duration.ofMillis(600), Duration.ZERO));

        await().atMost(Duration.ofSeconds(10)).until(() -> events.count("lost") == 1);
        assertThat(events.events).anyMatch(event -> event.contains("could not renew before the lease ran out"));
        assertThat(backend.renewCalls.get()).isGreaterThanOrEqualTo(1);
        assertThat(lease.isValid()).isFalse();
    }

    @Test
    void leaseWithoutAutoRenewIsLostWhenItRunsOut() {
        Lease lease = engine.acquire("k", LockOptions.of(Duration.ofMillis(300), Duration.ZERO).withAutoRenew(false));

        await().atMost(Duration.ofSeconds(10)).until(() -> events.count("lost") == 1);
        assertThat(backend.renewCalls).hasValue(0);
        assertThat(lease.isValid()).isFalse();
    }

    @Test
    void leaseThatRanOutBeforeItsReleaseIsCountedLost() {
        MutableClock clock = new MutableClock();
        LockEngine paused = LockEngine.builder(backend).namespace("test").events(events).clock(clock).nanoClock(clock).build();
        Lease lease = paused.acquire("k", LONG);

        clock.advance(Duration.ofSeconds(61)); // a pause longer than the lease, before any renewal ran
        lease.close();

        assertThat(events.events).anyMatch(event -> event.startsWith("lost test:k: lease ran out"));
    }

    @Test
    void reentryIntoALostLeaseFails() {
        try (Lease lease = engine.acquire("k", LONG)) {
            backend.listener.allLeasesLost("session expired");
            assertThat(lease.isValid()).isFalse();
            assertThatThrownBy(() -> engine.acquire("k", LONG))
                    .isInstanceOf(LockNotAcquiredException.class)
                    .hasMessageContaining("was lost");
        }
    }

    @Test
    void leaseLossSignalForAnotherOwnerLeavesOurLeaseAlone() {
        Lease first = engine.acquire("a", LONG);
        Lease second = engine.acquire("b", LONG);

        backend.listener.leaseLost("test:a", "another-owner:1", "an older grant of the same key");

        assertThat(first.isValid()).isTrue();
        assertThat(second.isValid()).isTrue();
        assertThat(engine.heldLocks()).hasSize(2);
        first.close();
        second.close();
    }

    @Test
    void holdAtLeastKeepsTheLockAfterCloseAndThenReleasesIt() {
        LockOptions options = LONG.withHoldAtLeast(Duration.ofMillis(700));
        Lease lease = engine.acquire("k", options);
        lease.close();

        assertThat(lease.isValid()).isFalse();
        assertThat(otherInstance.tryAcquire("k", LONG)).isEmpty();
        Optional<Lease> later = otherInstance.tryAcquire("k", LockOptions.of(Duration.ofSeconds(60), Duration.ofSeconds(10)));
        assertThat(later).isPresent();
        later.get().close();
    }

    @Test
    void fairRequestOnABackendThatCannotBeFairIsRejected() {
        backend.fair = false;
        assertThatThrownBy(() -> engine.tryAcquire("k", LONG.withFair(true)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fair = true")
                .hasMessageContaining("scripted");
    }

    @Test
    void blankKeyIsRejected() {
        assertThatThrownBy(() -> engine.tryAcquireFullKey(" ", LONG)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void heldLocksListsWhatThisInstanceHolds() {
        try (Lease lease = engine.acquire("k", LONG.withName("orders"))) {
            assertThat(engine.heldLocks()).singleElement().satisfies(info -> {
                assertThat(info.key()).isEqualTo("test:k");
                assertThat(info.name()).isEqualTo("orders");
                assertThat(info.fencingToken()).isEqualTo(lease.fencingToken());
                assertThat(info.holder()).isEqualTo(Thread.currentThread().getName());
            });
        }
        assertThat(engine.heldLocks()).isEmpty();
    }

    @Test
    void ownerIdsDifferAcrossInstancesAndAcquisitions() {
        OwnerIds first = new OwnerIds();
        OwnerIds second = new OwnerIds();
        assertThat(first.instanceId()).isNotEqualTo(second.instanceId());
        assertThat(first.next()).isNotEqualTo(first.next());
        // Short enough to fit one 40-byte array for the first 100 million: 15 characters of instance id.
        assertThat(first.next()).matches("[A-Za-z0-9_-]{15}:[0-9]+").hasSizeLessThanOrEqualTo(24);
    }
}
