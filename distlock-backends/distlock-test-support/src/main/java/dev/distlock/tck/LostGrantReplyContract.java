package dev.distlock.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEngine;
import dev.distlock.spi.LockBackend;
import dev.distlock.testsupport.FaultProxy;
import dev.distlock.testsupport.TimedCall;

/**
 * A grant whose reply came too late (issue 12, item 10): the store applied the acquisition, the
 * answer arrived after distlock's operation timeout, so the caller was told the store failed. The
 * engine must then release that grant for its owner, best-effort, so that the key is free at once
 * for others instead of blocked for a whole lease. Run against a real store behind a
 * {@link FaultProxy} that passes requests at once and holds replies back.
 */
public abstract class LostGrantReplyContract {

    private static final Duration LEASE = Duration.ofSeconds(30);
    /** Longer than the engine's default 1 s operation timeout, far shorter than the lease. */
    private static final Duration REPLY_DELAY = Duration.ofSeconds(2);
    /** The late grant is released well before its lease would have ended. */
    private static final Duration FREE_WITHIN = Duration.ofSeconds(10);

    /** A store of one's own for one test. */
    protected interface Store extends AutoCloseable {

        /** The loopback port the store answers on. */
        int port();

        /** A backend of a new application connected to {@code 127.0.0.1:port}, with the module's defaults. */
        LockBackend backendOn(int port);

        /** Stops the store and whatever the backends' connections needed. */
        @Override
        void close();
    }

    protected abstract Store startStore();

    @Test
    void aGrantWhoseReplyCameTooLateIsReleasedSoThatAnotherClientGetsTheKeyAtOnce() {
        try (Store store = startStore(); FaultProxy proxy = FaultProxy.to(store.port())) {
            LockEngine late = LockEngine.builder(store.backendOn(proxy.port())).build();
            LockEngine other = LockEngine.builder(store.backendOn(store.port())).build();
            try {
                StoreFaultCalls.firstLock(late).close();
                String key = StoreFaultCalls.key();
                proxy.delayReplies(REPLY_DELAY);

                TimedCall attempt = TimedCall.of("tryAcquire with replies " + REPLY_DELAY + " late", Duration.ofSeconds(30),
                        () -> late.tryAcquire(key, LockOptions.of(LEASE, Duration.ZERO)));
                assertThat(attempt.thrown()).as(attempt.toString()).satisfies(StoreFaultCalls::assertStoreFailure);

                Lease taken = Awaitility.await("another client takes '" + key + "' although a grant of it timed out")
                        .atMost(FREE_WITHIN).pollInterval(Duration.ofMillis(100))
                        .until(() -> other.tryAcquire(key, LockOptions.of(LEASE, Duration.ZERO)), Optional::isPresent)
                        .orElseThrow();
                assertThat(taken.isValid()).isTrue();
                taken.close();
            } finally {
                proxy.restore();
                other.close();
                late.close();
                other.backend().close();
                late.backend().close();
            }
        }
    }
}
