package dev.distlock.redis;

import static dev.distlock.testsupport.BackendCalls.owner;
import static dev.distlock.testsupport.BackendCalls.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.distlock.redis.RawPublishes.Published;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.ReleaseNotifications.Subscription;
import dev.distlock.testsupport.RedisServerFixture;

/** Who a release wakes, and who hears of it: only JVMs that wait for the key, only the head of a fair queue. */
class RedisReleaseWakeUpIT {

    private static final Duration LEASE = Duration.ofSeconds(30);

    private static RedisServerFixture server;
    private static LettuceConnectionFactory connectionFactory;
    private static RawPublishes publishes;
    private final List<RedisLockBackend> backends = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        server = RedisServerFixture.start();
        connectionFactory = RedisTestConnections.factory(server);
        publishes = new RawPublishes(server.uri());
    }

    @AfterAll
    static void stopServer() {
        publishes.close();
        connectionFactory.destroy();
        server.close();
    }

    @AfterEach
    void closeBackends() {
        backends.forEach(RedisLockBackend::close);
    }

    private RedisLockBackend liveBackend() {
        RedisLockBackend backend = new RedisLockBackend(connectionFactory);
        backends.add(backend);
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
    void releaseThatNobodyWaitsForPublishesNothing() throws InterruptedException {
        RedisLockBackend backend = liveBackend();
        publishes.publishedUntilNow();
        for (boolean fair : new boolean[] {false, true}) {
            String key = key();
            String owner = owner();
            token(backend.tryAcquire(new AcquireRequest(key, owner, LEASE, fair)));
            assertThat(backend.release(key, owner)).isTrue();
        }

        assertThat(publishes.publishedUntilNow()).isEmpty();
    }

    @Test
    void backendWaitingForOneKeyDoesNotHearAnotherKeysRelease() throws InterruptedException {
        RedisLockBackend waitsForA = liveBackend();
        RedisLockBackend waitsForB = liveBackend();
        String keyA = key();
        String keyB = key();
        String holderB = owner();
        token(waitsForB.tryAcquire(new AcquireRequest(keyA, owner(), LEASE, false)));
        token(waitsForB.tryAcquire(new AcquireRequest(keyB, holderB, LEASE, false)));
        CountDownLatch bWoken = new CountDownLatch(1);
        try (Subscription a = waitsForA.subscribe(keyA, owner(), () -> { });
                Subscription b = waitsForB.subscribe(keyB, owner(), bWoken::countDown)) {
            publishes.publishedUntilNow();

            waitsForB.release(keyB, holderB);

            assertThat(bWoken.await(5, TimeUnit.SECONDS)).isTrue();
            List<Published> released = publishes.publishedUntilNow();
            assertThat(released).extracting(Published::channel)
                    .containsExactly(waitsForB.releaseChannel())
                    .doesNotContain(waitsForA.releaseChannel());
        }
    }

    @Test
    void fairReleaseWakesOnlyTheHeadOfTheQueue() throws InterruptedException {
        RedisLockBackend backend = liveBackend();
        String key = key();
        String holder = owner();
        token(backend.tryAcquire(new AcquireRequest(key, holder, LEASE, true)));
        Map<String, AtomicInteger> wakeUps = new LinkedHashMap<>();
        List<Subscription> subscriptions = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String waiter = owner();
            assertThat(backend.tryAcquire(new AcquireRequest(key, waiter, LEASE, true))).isInstanceOf(AcquireResult.Denied.class);
            AtomicInteger count = new AtomicInteger();
            wakeUps.put(waiter, count);
            subscriptions.add(backend.subscribe(key, waiter, count::incrementAndGet));
        }
        // A second key's release on the same backend: once its waiter is woken, the first release was dispatched.
        String markerKey = key();
        String markerHolder = owner();
        token(backend.tryAcquire(new AcquireRequest(markerKey, markerHolder, LEASE, false)));
        CountDownLatch markerWoken = new CountDownLatch(1);
        subscriptions.add(backend.subscribe(markerKey, owner(), markerWoken::countDown));
        try {
            Map<String, Integer> before = snapshot(wakeUps);

            backend.release(key, holder);
            backend.release(markerKey, markerHolder);

            assertThat(markerWoken.await(5, TimeUnit.SECONDS)).isTrue();
            Map<String, Integer> woken = new LinkedHashMap<>();
            wakeUps.forEach((waiter, count) -> woken.put(waiter, count.get() - before.get(waiter)));
            Map<String, Integer> onlyTheHead = new LinkedHashMap<>();
            wakeUps.keySet().forEach(waiter -> onlyTheHead.put(waiter, onlyTheHead.isEmpty() ? 1 : 0));
            assertThat(woken).as("wake-ups per waiter, in queue order").containsExactlyEntriesOf(onlyTheHead);
        } finally {
            subscriptions.forEach(Subscription::close);
        }
    }

    private static Map<String, Integer> snapshot(Map<String, AtomicInteger> counts) {
        Map<String, Integer> copy = new LinkedHashMap<>();
        counts.forEach((waiter, count) -> copy.put(waiter, count.get()));
        return copy;
    }
}
