package dev.distlock.redis;

import static dev.distlock.testsupport.BackendCalls.owner;
import static dev.distlock.testsupport.BackendCalls.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEngine;
import dev.distlock.engine.WaitSettings;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.ReleaseNotifications.Subscription;
import dev.distlock.testsupport.FaultProxy;
import dev.distlock.testsupport.RedisServerFixture;

/**
 * The release subscription cannot start: its pub/sub connection goes through a fault proxy that
 * passes no byte (a partition, or a Redis that accepts connections and never answers), while
 * lock commands reach Redis directly. Before issue 13, subscribe() waited for the subscription in
 * a synchronized block for the whole start timeout, then returned as if subscribed: the waiter
 * slept until its safety poll.
 */
class RedisReleaseSubscriptionFaultIT {

    private static final Duration LEASE = Duration.ofSeconds(30);
    /** The longest the old subscribe() waited for a subscription that never came. */
    private static final RedisSettings LONG_START = RedisSettings.defaults().withOperationTimeout(Duration.ofSeconds(10));

    private static RedisServerFixture server;
    private static LettuceConnectionFactory direct;
    private FaultProxy proxy;
    private LettuceConnectionFactory throughProxy;

    @BeforeAll
    static void startServer() {
        server = RedisServerFixture.start();
        direct = RedisTestConnections.factory(server);
    }

    @AfterAll
    static void stopServer() {
        direct.destroy();
        server.close();
    }

    @BeforeEach
    void blackholedPubSub() {
        proxy = FaultProxy.to(server.port());
        proxy.blackhole();
        throughProxy = RedisTestConnections.factory("127.0.0.1", proxy.port());
    }

    @AfterEach
    void closeProxy() {
        proxy.restore();
        throughProxy.destroy();
        proxy.close();
    }

    @Test
    void subscribeReturnsPromptlyWhileTheSubscriptionCannotStart() {
        try (RedisLockBackend backend = new RedisLockBackend(direct, throughProxy, LONG_START)) {
            Subscription subscription = assertTimeoutPreemptively(Duration.ofSeconds(2),
                    () -> backend.subscribe(key(), owner(), () -> { }));

            assertThat(String.valueOf(backend.health().details().get("releaseSubscription"))).startsWith("not live");
            subscription.close();
        }
    }

    @Test
    void aWaiterWithoutASubscriptionGetsTheLockByPollingOnceTheHolderReleases() throws Exception {
        String key = key();
        String holder = owner();
        try (RedisLockBackend holderSide = new RedisLockBackend(direct);
                RedisLockBackend waiterSide = new RedisLockBackend(direct, throughProxy, LONG_START)) {
            token(holderSide.tryAcquire(new AcquireRequest(key, holder, LEASE, false)));
            // The engine's own safety poll is longer than this test may run: only the backend can wake it.
            LockEngine waiter = LockEngine.builder(waiterSide)
                    .waitSettings(new WaitSettings(Duration.ofMinutes(2), Duration.ofMinutes(2), Duration.ofMinutes(2)))
                    .build();
            try {
                CompletableFuture<Optional<Lease>> waiting = CompletableFuture.supplyAsync(
                        () -> waiter.tryAcquireFullKey(key, LockOptions.of(LEASE, Duration.ofSeconds(60))));
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !waiter.waiters().isEmpty());

                assertThat(holderSide.release(key, holder)).isTrue();

                Optional<Lease> lease = waiting.get(10, TimeUnit.SECONDS);
                assertThat(lease).isPresent();
                assertThat(waiterSide.health().details().get("releaseSubscription")).asString().startsWith("not live");
                lease.get().close();
            } finally {
                waiter.close();
            }
        }
    }

    @Test
    void theSubscriptionStartsOnceItsConnectionWorksAgain() {
        RedisSettings shortStart = RedisSettings.defaults().withOperationTimeout(Duration.ofMillis(500));
        try (RedisLockBackend backend = new RedisLockBackend(direct, throughProxy, shortStart)) {
            Subscription subscription = backend.subscribe(key(), owner(), () -> { });

            proxy.restore();

            Awaitility.await("the release subscription is live").atMost(Duration.ofSeconds(15))
                    .until(() -> String.valueOf(backend.health().details().get("releaseSubscription")).startsWith("live"));
            subscription.close();
        }
    }

    private static String key() {
        return "subscription-fault:" + UUID.randomUUID();
    }
}
