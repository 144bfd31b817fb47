package dev.distlock.redis;

import static dev.distlock.testsupport.BackendCalls.owner;
import static dev.distlock.testsupport.BackendCalls.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.ClusterSlotHashUtil;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.testsupport.RedisClusterFixture;
import dev.distlock.testsupport.RedisServerFixture;

/** Redis Cluster: one counter per hash slot, shared by the keys of that slot; nothing per key after release. */
class RedisClusterFenceCounterTest {

    private static final Duration LEASE = Duration.ofSeconds(30);

    private static RedisClusterFixture cluster;
    private static LettuceConnectionFactory connectionFactory;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterFixture.start(3);
        connectionFactory = new LettuceConnectionFactory(new RedisClusterConfiguration(cluster.nodeAddresses()));
        connectionFactory.afterPropertiesSet();
        connectionFactory.start();
    }

    @AfterAll
    static void stopCluster() {
        connectionFactory.destroy();
        cluster.close();
    }

    @Test
    void releasedKeysLeaveAtMostOneCounterPerSlotTheyHashTo() {
        try (RedisLockBackend backend = new RedisLockBackend(connectionFactory)) {
            Set<Integer> slots = new HashSet<>();
            for (int i = 0; i < 503; i++) {
                String key = "orders:pay:" + i;
                String owner = owner();
                token(backend.tryAcquire(new AcquireRequest(key, owner, LEASE, i % 2 == 1)));
                assertThat(backend.release(key, owner)).isTrue();
                slots.add(ClusterSlotHashUtil.calculateSlot(RedisKeyLayout.of(key).lock()));
            }

            Set<String> stored = storedKeys();
            assertThat(stored).allSatisfy(name -> assertThat(name).startsWith("distlock:fence:{"));
            assertThat(stored).hasSizeLessThanOrEqualTo(slots.size());
        }
    }

    @Test
    void tokensGrowAcrossTheKeysOfOneSlot() {
        String first = "orders:pay:" + UUID.randomUUID();
        int slot = ClusterSlotHashUtil.calculateSlot(RedisKeyLayout.of(first).lock());
        String second = first;
        for (int i = 0; ClusterSlotHashUtil.calculateSlot(RedisKeyLayout.of(second).lock()) != slot || second.equals(first); i++) {
            second = "orders:pay:" + i;
        }
        try (RedisLockBackend backend = new RedisLockBackend(connectionFactory)) {
            long previous = 0;
            for (String key : List.of(first, second, first, second)) {
                String owner = owner();
                long token = token(backend.tryAcquire(new AcquireRequest(key, owner, LEASE, false)));
                assertThat(token).isGreaterThan(previous);
                previous = token;
                backend.release(key, owner);
            }
        }
    }

    private static Set<String> storedKeys() {
        Set<String> keys = new TreeSet<>();
        for (RedisServerFixture node : cluster.nodes()) {
            LettuceConnectionFactory direct = RedisTestConnections.factory(node);
            try (Cursor<String> cursor = new StringRedisTemplate(direct).scan(ScanOptions.scanOptions().count(1000).build())) {
                cursor.forEachRemaining(keys::add);
            } finally {
                direct.destroy();
            }
        }
        return keys;
    }
}
