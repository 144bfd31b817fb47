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

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.ReleaseNotifications.Subscription;
import dev.distlock.testsupport.RedisServerFixture;

/** Redlock over three real redis-server processes started by the test. */
class RedlockLockBackendIT {

    private static final Duration LEASE = Duration.ofSeconds(30);

    @RegisterExtension
    static final RedlockServers servers = new RedlockServers(3);
    private final List<RedlockLockBackend> backends = new ArrayList<>();

    @AfterEach
    void closeBackendsAndReviveServers() {
        backends.forEach(RedlockLockBackend::close);
        servers.restartKilled();
    }

    private RedlockLockBackend newBackend() {
        RedlockLockBackend backend = new RedlockLockBackend(servers.settings());
        backends.add(backend);
        return backend;
    }

    private static String key() {
        return "redlock:" + UUID.randomUUID();
    }

    @Test
    void heldLockIsNotGrantedToAnotherBackendUntilReleased() {
        String key = key();
        String holder = owner();
        RedlockLockBackend first = newBackend();
        long token = token(first.tryAcquire(new AcquireRequest(key, holder, LEASE, false)));

        AcquireResult denied = newBackend().tryAcquire(new AcquireRequest(key, owner(), LEASE, false));
        assertThat(denied).isInstanceOf(AcquireResult.Denied.class);
        assertThat(((AcquireResult.Denied) denied).holderRemaining()).isPositive().isLessThanOrEqualTo(LEASE);
        assertThat(token(first.tryAcquire(new AcquireRequest(key, holder, LEASE, false)))).isEqualTo(token);

        assertThat(first.release(key, owner())).isFalse();
        assertThat(first.renew(key, owner(), LEASE)).isFalse();
        assertThat(first.renew(key, holder, LEASE)).isTrue();
        assertThat(first.release(key, holder)).isTrue();
        assertThat(token(newBackend().tryAcquire(new AcquireRequest(key, owner(), LEASE, false)))).isGreaterThan(token);
    }

    @Test
    void lockIsStillGrantedWithOneNodeKilledAndAfterItRestarts() {
        RedlockLockBackend backend = newBackend();
        String key = key();
        servers.get(2).kill();

        String holder = owner();
        long first = token(backend.tryAcquire(new AcquireRequest(key, holder, LEASE, false)));
        assertThat(newBackend().tryAcquire(new AcquireRequest(key, owner(), LEASE, false)))
                .isInstanceOf(AcquireResult.Denied.class);
        assertThat(backend.renew(key, holder, LEASE)).isTrue();
        assertThat(backend.release(key, holder)).isTrue();

        servers.get(2).restart();
        String next = owner();
        long second = token(Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> backend.tryAcquire(new AcquireRequest(key, next, LEASE, false)),
                        result -> result instanceof AcquireResult.Granted));
        assertThat(second).isGreaterThan(first);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> backend.health().details().values().stream()
                .filter("up"::equals).count() == 3);
    }

    @Test
    void fencingTokensGrowWhenTheMajorityShiftsToNodesWithSmallerCounters() {
        String key = key();
        // Node 0's counter is far ahead of the others, as after many grants while they were down.
        try (RedisClient client = RedisClient.create(servers.get(0).uri());
                StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().set(RedisKeyLayout.of(key).fence(), "100");
        }
        RedlockLockBackend backend = newBackend();
        String first = owner();
        long high = token(backend.tryAcquire(new AcquireRequest(key, first, LEASE, false)));
        assertThat(high).isEqualTo(101);
        backend.release(key, first);

        servers.get(0).kill(); // the next majority is nodes 1 and 2 only

        long next = token(backend.tryAcquire(new AcquireRequest(key, owner(), LEASE, false)));
        assertThat(next).isGreaterThan(high);
    }

    @Test
    void minorityOfNodesAnsweringIsADenialAndHealthIsDown() {
        RedlockLockBackend backend = newBackend();
        servers.get(0).kill();
        servers.get(1).kill();

        assertThat(backend.tryAcquire(new AcquireRequest(key(), owner(), LEASE, false)))
                .isEqualTo(AcquireResult.denied());
        BackendHealth health = backend.health();
        assertThat(health.up()).isFalse();
        assertThat(health.reason()).contains("1 of 3");
    }

    @Test
    void noNodeAnsweringIsABackendFailure() {
        RedlockLockBackend backend = newBackend();
        servers.all().forEach(RedisServerFixture::kill);

        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> backend.tryAcquire(new AcquireRequest(key(), owner(), LEASE, false)))
                .isInstanceOf(dev.distlock.spi.LockBackendException.class)
                .hasMessageContaining("no node answered");
    }

    @Test
    void releaseWakesAWaiterOfAnotherBackend() throws InterruptedException {
        RedlockLockBackend holderSide = newBackend();
        String key = key();
        String holder = owner();
        token(holderSide.tryAcquire(new AcquireRequest(key, holder, LEASE, false)));
        CountDownLatch woken = new CountDownLatch(1);

        try (Subscription subscription = newBackend().subscribe(key, owner(), woken::countDown)) {
            holderSide.release(key, holder);
            assertThat(woken.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void abandonedLeaseExpiresOnEveryNode() {
        RedlockLockBackend backend = newBackend();
        String key = key();
        String silent = owner();
        long first = token(backend.tryAcquire(new AcquireRequest(key, silent, Duration.ofMillis(300), false)));

        String next = owner();
        long second = token(Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> backend.tryAcquire(new AcquireRequest(key, next, LEASE, false)),
                        result -> result instanceof AcquireResult.Granted));
        assertThat(second).isGreaterThan(first);
        assertThat(backend.renew(key, silent, LEASE)).isFalse();
    }

    @Test
    void validityLeftAfterTheRoundTripIsLessThanTheLeaseByTheDrift() {
        Duration validity = RedlockSettings.validity(Duration.ofSeconds(10), Duration.ofMillis(50));
        assertThat(validity).isEqualTo(Duration.ofMillis(10_000 - 50 - 100 - 2));
        assertThat(RedlockSettings.validity(Duration.ofMillis(100), Duration.ofMillis(98)).isNegative()).isTrue();
    }
}
