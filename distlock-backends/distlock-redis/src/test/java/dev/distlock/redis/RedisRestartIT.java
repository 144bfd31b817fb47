package dev.distlock.redis;

import static dev.distlock.testsupport.BackendCalls.owner;
import static dev.distlock.testsupport.BackendCalls.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.ReleaseNotifications.Subscription;
import dev.distlock.testsupport.RedisServerFixture;

/**
 * What a kill -9 and restart of the one Redis does to locks in single-node mode, as the README
 * states it: without persistence every lock and fencing counter is forgotten; with
 * {@code appendonly yes} and {@code appendfsync always} both survive. Waiters keep hearing of
 * releases either way.
 */
class RedisRestartIT {

    private static final Duration LEASE = Duration.ofSeconds(30);

    @Test
    void withoutPersistenceARestartForgetsLocksAndFencingCounters() {
        try (RedisServerFixture server = RedisServerFixture.start()) {
            LettuceConnectionFactory factory = RedisTestConnections.factory(server);
            try (RedisLockBackend backend = new RedisLockBackend(factory)) {
                String key = "restart:" + UUID.randomUUID();
                String holder = owner();
                for (int i = 0; i < 3; i++) {
                    String earlier = owner();
                    backend.tryAcquire(new AcquireRequest(key, earlier, LEASE, false));
                    backend.release(key, earlier);
                }
                long before = token(backend.tryAcquire(new AcquireRequest(key, holder, LEASE, false)));
                assertThat(before).isEqualTo(4);

                server.kill();
                server.restart();

                assertThat(afterReconnect(() -> backend.renew(key, holder, LEASE))).isFalse();
                long after = token(afterReconnect(() -> backend.tryAcquire(new AcquireRequest(key, owner(), LEASE, false))));
                assertThat(after).as("the counter restarted: tokens repeat").isEqualTo(1);
            } finally {
                factory.destroy();
            }
        }
    }

    @Test
    void withAppendOnlyFsyncAlwaysARestartKeepsLocksAndFencingCounters() {
        try (RedisServerFixture server = RedisServerFixture.startDurable()) {
            LettuceConnectionFactory factory = RedisTestConnections.factory(server);
            try (RedisLockBackend backend = new RedisLockBackend(factory)) {
                String key = "restart:" + UUID.randomUUID();
                String holder = owner();
                long before = token(backend.tryAcquire(new AcquireRequest(key, holder, LEASE, false)));

                server.kill();
                server.restart();

                assertThat(afterReconnect(() -> backend.tryAcquire(new AcquireRequest(key, owner(), LEASE, false))))
                        .isInstanceOf(AcquireResult.Denied.class);
                assertThat(backend.renew(key, holder, LEASE)).isTrue();
                assertThat(backend.release(key, holder)).isTrue();
                assertThat(token(backend.tryAcquire(new AcquireRequest(key, owner(), LEASE, false)))).isGreaterThan(before);
            } finally {
                factory.destroy();
            }
        }
    }

    @Test
    void aWaiterStillHearsReleasesAfterARestartForgotItsInterest() throws InterruptedException {
        try (RedisServerFixture server = RedisServerFixture.start()) {
            LettuceConnectionFactory factory = RedisTestConnections.factory(server);
            // Entries live a minute: the keeper's own refresh (every 20 s) comes too late to explain a wake-up.
            RedisSettings settings = RedisSettings.defaults().withQueueEntryLifetime(Duration.ofMinutes(1));
            try (RedisLockBackend backend = new RedisLockBackend(factory, settings)) {
                String key = "restart:" + UUID.randomUUID();
                Semaphore woken = new Semaphore(0);
                try (Subscription waiter = backend.subscribe(key, owner(), woken::release)) {
                    Awaitility.await().atMost(Duration.ofSeconds(10)).until(backend::releaseSubscriptionLive);

                    server.kill();
                    server.restart(); // no persistence: the waiter's interest in the key is gone

                    String holder = owner();
                    token(afterReconnect(() -> backend.tryAcquire(new AcquireRequest(key, holder, LEASE, false))));
                    Awaitility.await().atMost(Duration.ofSeconds(15)).until(backend::releaseSubscriptionLive);
                    // The resubscription re-registers the interest, then wakes every waiter once.
                    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> new StringRedisTemplate(factory)
                            .opsForZSet().size(RedisKeyLayout.of(key).waiters()), size -> size != null && size == 1);
                    woken.drainPermits();

                    backend.release(key, holder);

                    assertThat(woken.tryAcquire(5, TimeUnit.SECONDS)).as("woken by the release message").isTrue();
                }
            } finally {
                factory.destroy();
            }
        }
    }

    /** The first commands after the restart may fail while Lettuce reconnects: a LockBackendException, not a "no". */
    private static <T> T afterReconnect(Callable<T> call) {
        return Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(LockBackendException.class)
                .until(call, result -> true);
    }
}
