package dev.distlock.redis;

import static dev.distlock.testsupport.BackendCalls.owner;
import static dev.distlock.testsupport.BackendCalls.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.ReleaseNotifications.Subscription;

/** Single node: what the store keeps once every lock is released, and the tokens it hands out. */
class RedisFenceCounterIT {

    private static final Duration LEASE = Duration.ofSeconds(30);

    @RegisterExtension
    static final RedisServer server = new RedisServer();

    private final List<RedisLockBackend> backends = new ArrayList<>();

    @AfterEach
    void closeBackends() {
        backends.forEach(RedisLockBackend::close);
        server.flushAll();
    }

    private RedisLockBackend newBackend() {
        RedisLockBackend backend = new RedisLockBackend(server.connectionFactory());
        backends.add(backend);
        return backend;
    }

    @Test
    void releasedKeysLeaveNothingButOneCounter() throws InterruptedException {
        RedisLockBackend backend = newBackend();
        for (int i = 0; i < 503; i++) {
            String key = "orders:pay:" + i;
            String owner = owner();
            boolean fair = i % 2 == 1;
            if (i % 10 == 0) {
                // Some keys had a waiter (fair queue entry, release interest) that was granted after the release.
                String waiter = owner();
                token(backend.tryAcquire(new AcquireRequest(key, owner, LEASE, fair)));
                backend.tryAcquire(new AcquireRequest(key, waiter, LEASE, fair));
                CountDownLatch woken = new CountDownLatch(1);
                try (Subscription subscription = backend.subscribe(key, waiter, woken::countDown)) {
                    backend.release(key, owner);
                    assertThat(woken.await(5, TimeUnit.SECONDS)).isTrue();
                    token(backend.tryAcquire(new AcquireRequest(key, waiter, LEASE, fair)));
                }
                owner = waiter;
            } else {
                token(backend.tryAcquire(new AcquireRequest(key, owner, LEASE, fair)));
            }
            assertThat(backend.release(key, owner)).isTrue();
        }

        assertThat(storedKeys()).containsExactly(RedisKeyLayout.of("any").fence());
    }

    @Test
    void tokensGrowPerKeyAndAcrossTheKeysOfTheCounter() {
        RedisLockBackend backend = newBackend();
        List<String> keys = List.of("a:" + UUID.randomUUID(), "b:" + UUID.randomUUID(), "c:" + UUID.randomUUID());
        long previous = 0;
        for (int round = 0; round < 3; round++) {
            for (String key : keys) {
                String owner = owner();
                long token = token(backend.tryAcquire(new AcquireRequest(key, owner, LEASE, round == 1)));
                assertThat(token).isGreaterThan(previous);
                previous = token;
                backend.release(key, owner);
            }
        }
    }

    @Test
    void counterLeftByAnEarlierVersionIsNeverUndercut() {
        RedisLockBackend backend = newBackend();
        String upgraded = "orders:pay:" + UUID.randomUUID();
        String other = "orders:pay:" + UUID.randomUUID();
        // What the previous version left behind: one INCR-only counter per key ever locked.
        String oldCounter = "{lock:" + upgraded + "}:fence";
        server.template().opsForValue().set(oldCounter, "1000");
        server.template().opsForValue().set("{lock:" + other + "}:fence", "7");

        String owner = owner();
        long first = token(backend.tryAcquire(new AcquireRequest(upgraded, owner, LEASE, false)));
        backend.release(upgraded, owner);
        String fairOwner = owner();
        long second = token(backend.tryAcquire(new AcquireRequest(other, fairOwner, LEASE, true)));
        backend.release(other, fairOwner);

        assertThat(first).isGreaterThan(1000);
        assertThat(second).isGreaterThan(first);
        assertThat(token(backend.tryAcquire(new AcquireRequest(upgraded, owner(), LEASE, false)))).isGreaterThan(second);
        assertThat(server.template().hasKey(oldCounter)).as("the old per-key counter is gone once its key was granted").isFalse();
    }

    private static Set<String> storedKeys() {
        Set<String> keys = new TreeSet<>();
        try (Cursor<String> cursor = server.template().scan(ScanOptions.scanOptions().count(1000).build())) {
            cursor.forEachRemaining(keys::add);
        }
        return keys;
    }
}
