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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

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
import dev.distlock.spi.ReleaseNotifications.Subscription;
import dev.distlock.testsupport.RedisClusterFixture;
import dev.distlock.testsupport.RedisServerFixture;

/**
 * Redis Cluster: one counter per hash slot, shared by the keys of that slot, nothing per key after
 * release; releases use sharded pub/sub on the channel of the key's slot.
 */
class RedisClusterKeysAndChannelsIT {

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

    @Test
    void releaseIsPublishedShardedOnTheChannelOfTheKeysSlot() throws InterruptedException {
        String key = "orders:pay:" + UUID.randomUUID();
        String holder = owner();
        try (RedisLockBackend backend = new RedisLockBackend(connectionFactory);
                RawPublishes plain = new RawPublishes("redis://" + cluster.nodeAddresses().get(0))) {
            token(backend.tryAcquire(new AcquireRequest(key, holder, LEASE, false)));
            CountDownLatch woken = new CountDownLatch(1);
            try (Subscription waiter = backend.subscribe(key, owner(), woken::countDown)) {
                String channel = backend.releaseChannel() + ":{"
                        + SlotFenceCounters.tagOf(ClusterSlotHashUtil.calculateSlot(RedisKeyLayout.of(key).lock())) + "}";
                assertThat(shardChannels()).contains(channel);
                plain.publishedUntilNow();

                backend.release(key, holder);

                assertThat(woken.await(5, TimeUnit.SECONDS)).as("woken by the sharded release message").isTrue();
                assertThat(plain.publishedUntilNow()).as("plain PUBLISH, which every node forwards").isEmpty();
            }
            assertThat(shardChannels()).as("the last waiter of the slot left").isEmpty();
        }
    }

    @Test
    void waiterStillHearsReleasesAfterItsShardedConnectionWasKilled() throws InterruptedException {
        String key = "orders:pay:" + UUID.randomUUID();
        String holder = owner();
        try (RedisLockBackend backend = new RedisLockBackend(connectionFactory)) {
            token(backend.tryAcquire(new AcquireRequest(key, holder, LEASE, false)));
            Semaphore woken = new Semaphore(0);
            try (Subscription waiter = backend.subscribe(key, owner(), woken::release)) {
                for (RedisServerFixture node : cluster.nodes()) {
                    onNode(node, commands -> commands.clientKill(io.lettuce.core.KillArgs.Builder.typePubsub()));
                }
                // Lettuce reconnects and re-subscribes; the confirmation wakes the waiters of the slot once.
                assertThat(woken.tryAcquire(10, TimeUnit.SECONDS)).as("woken after the re-subscription").isTrue();
                woken.drainPermits();

                backend.release(key, holder);

                assertThat(woken.tryAcquire(5, TimeUnit.SECONDS)).as("woken by the release message").isTrue();
            }
        }
    }

    private static <T> T onNode(RedisServerFixture node,
            java.util.function.Function<io.lettuce.core.api.sync.RedisCommands<String, String>, T> call) {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(node.uri());
        try (var connection = client.connect()) {
            return call.apply(connection.sync());
        } finally {
            client.shutdown();
        }
    }

    /** The sharded channels subscribed on every node (each lists those of its own slots). */
    private static Set<String> shardChannels() {
        Set<String> channels = new TreeSet<>();
        for (RedisServerFixture node : cluster.nodes()) {
            channels.addAll(onNode(node, commands -> commands.pubsubShardChannels()));
        }
        return channels;
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
