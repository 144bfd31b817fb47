package dev.distlock.redis;

import static dev.distlock.testsupport.BackendCalls.owner;
import static dev.distlock.testsupport.BackendCalls.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.ReleaseNotifications.Subscription;
import dev.distlock.testsupport.RedisServerFixture;

/** Single-node mode against a real redis-server started by the test. */
class RedisLockBackendIT {

    private static final Duration LEASE = Duration.ofSeconds(30);

    private static RedisServerFixture server;
    private static LettuceConnectionFactory connectionFactory;
    private final List<RedisLockBackend> backends = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        server = RedisServerFixture.start();
        connectionFactory = RedisTestConnections.factory(server);
    }

    @AfterAll
    static void stopServer() {
        connectionFactory.destroy();
        server.close();
    }

    @AfterEach
    void closeBackends() {
        backends.forEach(RedisLockBackend::close);
    }

    private RedisLockBackend newBackend() {
        return newBackend(RedisSettings.defaults());
    }

    private RedisLockBackend newBackend(RedisSettings settings) {
        RedisLockBackend backend = new RedisLockBackend(connectionFactory, settings);
        backends.add(backend);
        return backend;
    }

    /**
     * Waits for the backend's release subscription to be live, so that what wakes a waiter is the
     * release message, not the polling that stands in for a subscription that is not live yet.
     */
    private static RedisLockBackend withLiveSubscription(RedisLockBackend backend) {
        try (Subscription starter = backend.subscribe(key(), owner(), () -> { })) {
            Awaitility.await("the release subscription is live").atMost(Duration.ofSeconds(10))
                    .until(backend::releaseSubscriptionLive);
        }
        return backend;
    }

    private static String key() {
        return "test:" + UUID.randomUUID();
    }

    @Test
    void heldLockIsNotGrantedToAnotherOwnerAndTellsTheHoldersRemainingLease() {
        RedisLockBackend backend = newBackend();
        String key = key();
        token(backend.tryAcquire(new AcquireRequest(key, owner(), LEASE, false)));

        AcquireResult second = newBackend().tryAcquire(new AcquireRequest(key, owner(), LEASE, false));

        assertThat(second).isInstanceOf(AcquireResult.Denied.class);
        assertThat(((AcquireResult.Denied) second).holderRemaining()).isPositive().isLessThanOrEqualTo(LEASE);
    }

    @Test
    void ownerRetryingAfterALostReplyGetsItsExistingToken() {
        RedisLockBackend backend = newBackend();
        String key = key();
        String owner = owner();
        long first = token(backend.tryAcquire(new AcquireRequest(key, owner, LEASE, false)));

        assertThat(token(backend.tryAcquire(new AcquireRequest(key, owner, LEASE, false)))).isEqualTo(first);
        assertThat(token(backend.tryAcquire(new AcquireRequest(key, owner, LEASE, true)))).isEqualTo(first);
    }

    @Test
    void fencingTokensGrowAcrossHoldersAndReleaseNeverResetsThem() {
        RedisLockBackend backend = newBackend();
        String key = key();
        long previous = 0;
        for (int i = 0; i < 5; i++) {
            String owner = owner();
            long token = token(backend.tryAcquire(new AcquireRequest(key, owner, LEASE, i % 2 == 0)));
            assertThat(token).isGreaterThan(previous);
            previous = token;
            assertThat(backend.release(key, owner)).isTrue();
        }
    }

    @Test
    void onlyTheOwnerRenewsAndReleases() {
        RedisLockBackend backend = newBackend();
        String key = key();
        String owner = owner();
        token(backend.tryAcquire(new AcquireRequest(key, owner, LEASE, false)));

        assertThat(backend.renew(key, owner(), LEASE)).isFalse();
        assertThat(backend.release(key, owner())).isFalse();
        assertThat(backend.renew(key, owner, LEASE)).isTrue();
        assertThat(backend.release(key, owner)).isTrue();
        assertThat(backend.release(key, owner)).isFalse();
        assertThat(backend.renew(key, owner, LEASE)).isFalse();
    }

    @Test
    void abandonedLeaseExpiresAndTheNextHolderGetsAHigherToken() {
        RedisLockBackend backend = newBackend();
        String key = key();
        String silent = owner();
        long first = token(backend.tryAcquire(new AcquireRequest(key, silent, Duration.ofMillis(300), false)));

        String next = owner();
        AcquireResult granted = Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> backend.tryAcquire(new AcquireRequest(key, next, LEASE, false)),
                        result -> result instanceof AcquireResult.Granted);

        assertThat(token(granted)).isGreaterThan(first);
        assertThat(backend.renew(key, silent, LEASE)).isFalse();
    }

    @Test
    void renewShortensTheLeaseForHoldAtLeast() {
        RedisLockBackend backend = newBackend();
        String key = key();
        String owner = owner();
        token(backend.tryAcquire(new AcquireRequest(key, owner, LEASE, false)));

        assertThat(backend.renew(key, owner, Duration.ofMillis(200))).isTrue();

        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> backend.tryAcquire(new AcquireRequest(key, owner(), LEASE, false)),
                        result -> result instanceof AcquireResult.Granted);
    }

    @Test
    void releaseWakesAWaiterSubscribedThroughAnotherBackend() throws InterruptedException {
        RedisLockBackend holderSide = newBackend();
        RedisLockBackend waiterSide = withLiveSubscription(newBackend());
        String key = key();
        String holder = owner();
        token(holderSide.tryAcquire(new AcquireRequest(key, holder, LEASE, false)));
        CountDownLatch woken = new CountDownLatch(1);
        CountDownLatch otherKeyWoken = new CountDownLatch(1);

        try (Subscription subscription = waiterSide.subscribe(key, owner(), woken::countDown);
                Subscription other = waiterSide.subscribe(key(), owner(), otherKeyWoken::countDown)) {
            holderSide.release(key, holder);

            assertThat(woken.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(otherKeyWoken.getCount()).isEqualTo(1);
        }
    }

    @Test
    void fairModeGrantsInRequestOrder() {
        RedisLockBackend backend = newBackend();
        String key = key();
        String holder = owner();
        token(backend.tryAcquire(new AcquireRequest(key, holder, LEASE, true)));
        List<String> waiters = List.of(owner(), owner(), owner());
        for (String waiter : waiters) {
            assertThat(backend.tryAcquire(new AcquireRequest(key, waiter, LEASE, true)))
                    .isInstanceOf(AcquireResult.Denied.class);
        }

        String current = holder;
        for (String waiter : waiters) {
            backend.release(key, current);
            // A later waiter is refused although the lock is free: it is not first in line.
            assertThat(backend.tryAcquire(new AcquireRequest(key, waiters.get(2), LEASE, true)) instanceof AcquireResult.Granted)
                    .isEqualTo(waiter.equals(waiters.get(2)));
            if (!waiter.equals(waiters.get(2))) {
                token(backend.tryAcquire(new AcquireRequest(key, waiter, LEASE, true)));
            }
            current = waiter;
        }
    }

    @Test
    void deadFairWaiterStopsBlockingTheQueueAfterItsEntryLifetime() {
        RedisSettings shortQueue = RedisSettings.defaults().withQueueEntryLifetime(Duration.ofMillis(600));
        RedisLockBackend survivor = newBackend(shortQueue);
        RedisLockBackend dying = newBackend(shortQueue);
        String key = key();
        String holder = owner();
        token(survivor.tryAcquire(new AcquireRequest(key, holder, LEASE, true)));
        String dead = owner();
        assertThat(dying.tryAcquire(new AcquireRequest(key, dead, LEASE, true))).isInstanceOf(AcquireResult.Denied.class);
        String alive = owner();
        assertThat(survivor.tryAcquire(new AcquireRequest(key, alive, LEASE, true))).isInstanceOf(AcquireResult.Denied.class);
        dying.close(); // its JVM "dies": nobody refreshes the entry any more
        survivor.release(key, holder);

        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> survivor.tryAcquire(new AcquireRequest(key, alive, LEASE, true)),
                        result -> result instanceof AcquireResult.Granted);
    }

    @Test
    void liveFairWaiterKeepsItsPlaceLongerThanTheEntryLifetime() {
        RedisSettings shortQueue = RedisSettings.defaults().withQueueEntryLifetime(Duration.ofMillis(300));
        RedisLockBackend backend = newBackend(shortQueue);
        String key = key();
        String holder = owner();
        token(backend.tryAcquire(new AcquireRequest(key, holder, LEASE, true)));
        String first = owner();
        String second = owner();
        backend.tryAcquire(new AcquireRequest(key, first, LEASE, true));
        backend.tryAcquire(new AcquireRequest(key, second, LEASE, true));
        StringRedisTemplate redis = new StringRedisTemplate(connectionFactory);
        String deadlines = RedisKeyLayout.of(key).queueDeadlines();
        Double initial = redis.opsForZSet().score(deadlines, first);

        // The keeper refreshes the entry on its own, between attempts.
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> redis.opsForZSet().score(deadlines, first), deadline -> deadline > initial + 600);
        backend.release(key, holder);

        assertThat(backend.tryAcquire(new AcquireRequest(key, second, LEASE, true))).isInstanceOf(AcquireResult.Denied.class);
        token(backend.tryAcquire(new AcquireRequest(key, first, LEASE, true)));
    }

    @Test
    void withdrawnWaiterLeavesTheQueueAndWakesTheNext() throws InterruptedException {
        RedisLockBackend backend = newBackend();
        String key = key();
        String first = owner();
        String second = owner();
        String holder = owner();
        token(backend.tryAcquire(new AcquireRequest(key, holder, LEASE, true)));
        backend.tryAcquire(new AcquireRequest(key, first, LEASE, true));
        backend.tryAcquire(new AcquireRequest(key, second, LEASE, true));
        backend.release(key, holder);
        CountDownLatch woken = new CountDownLatch(1);

        try (Subscription subscription = withLiveSubscription(newBackend()).subscribe(key, second, woken::countDown)) {
            backend.withdraw(key, first);
            assertThat(woken.await(5, TimeUnit.SECONDS)).isTrue();
        }
        token(backend.tryAcquire(new AcquireRequest(key, second, LEASE, true)));
    }

    @Test
    void longAndUnicodeKeysAreDistinctLocks() {
        RedisLockBackend backend = newBackend();
        String longKey = "k".repeat(1024) + UUID.randomUUID();
        List<String> keys = List.of(longKey, longKey + "x", "заказ:支付:🔒:" + UUID.randomUUID(),
                "}starts-with-brace:" + UUID.randomUUID(), "{tag}:" + UUID.randomUUID());
        for (String key : keys) {
            token(backend.tryAcquire(new AcquireRequest(key, owner(), LEASE, false)));
            token(backend.tryAcquire(new AcquireRequest(key + ":fair", owner(), LEASE, true)));
        }
        for (String key : keys) {
            assertThat(backend.tryAcquire(new AcquireRequest(key, owner(), LEASE, false))).isInstanceOf(AcquireResult.Denied.class);
        }
    }

    @Test
    void scriptFlushedFromTheServerCacheIsReloadedTransparently() {
        RedisLockBackend backend = newBackend();
        String key = key();
        String owner = owner();
        token(backend.tryAcquire(new AcquireRequest(key, owner, LEASE, false)));

        new StringRedisTemplate(connectionFactory).execute(connection -> {
            connection.scriptingCommands().scriptFlush();
            return null;
        }, true);

        assertThat(backend.renew(key, owner, LEASE)).isTrue();
        assertThat(backend.release(key, owner)).isTrue();
        token(backend.tryAcquire(new AcquireRequest(key, owner(), LEASE, true)));
    }

    @Test
    void healthIsUpWithPingDetails() {
        assertThat(newBackend().health().up()).isTrue();
    }
}
