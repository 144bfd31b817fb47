package dev.distlock.redis;

import java.util.Properties;

import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import io.lettuce.core.cluster.RedisClusterClient;

/**
 * What a {@link RedisLockBackend} runs on, as far as its keys and release messages care: a single
 * Redis (or a Sentinel-managed primary), a Cluster, or a Cluster where releases use sharded pub/sub
 * (every node Redis 7 or later, reached through Lettuce, and a release channel without a hash tag
 * of its own, which would pin every channel to one slot).
 */
enum RedisDeployment {

    SINGLE, CLUSTER, CLUSTER_SHARDED;

    private static final byte[] NODE_FENCE = EncodedKeyLayout.utf8(RedisKeyLayout.NODE_FENCE);
    private static final byte[] NO_SUFFIX = new byte[0];

    /** Asks Redis (one or two round trips); throws the template's DataAccessException when it is down. */
    static RedisDeployment detect(StringRedisTemplate redis, RedisConnectionFactory factory, String releaseChannel) {
        if (!Boolean.TRUE.equals(redis.execute((RedisCallback<Boolean>) c -> c instanceof RedisClusterConnection))) {
            return SINGLE;
        }
        boolean lettuce = factory instanceof LettuceConnectionFactory lettuceFactory
                && lettuceFactory.getNativeClient() instanceof RedisClusterClient;
        if (!lettuce || releaseChannel.contains("{")) {
            return CLUSTER;
        }
        Properties info = redis.execute((RedisCallback<Properties>) c -> c.serverCommands().info("server"));
        return everyNodeAtLeast7(info) ? CLUSTER_SHARDED : CLUSTER;
    }

    /** A Cluster's INFO comes back with one {@code <node>.redis_version} entry per node. */
    static boolean everyNodeAtLeast7(Properties info) {
        if (info == null) {
            return false;
        }
        boolean any = false;
        for (String name : info.stringPropertyNames()) {
            if (name.equals("redis_version") || name.endsWith(".redis_version")) {
                String version = info.getProperty(name);
                int dot = version.indexOf('.');
                try {
                    if (Integer.parseInt(dot < 0 ? version : version.substring(0, dot)) < 7) {
                        return false;
                    }
                } catch (NumberFormatException e) {
                    return false;
                }
                any = true;
            }
        }
        return any;
    }

    static int slotOf(String key) {
        return EncodedKeyLayout.slotOf(RedisKeyLayout.of(key).lock());
    }

    /** The fence counter of {@code keys}' lock: the node's one counter, or on a Cluster the counter of the lock key's slot. */
    byte[] fence(EncodedKeyLayout keys) {
        return this == SINGLE ? NODE_FENCE : EncodedKeyLayout.utf8(SlotFenceCounters.counterOfSlot(keys.slot()));
    }

    /** What a sharded waiter's channel ends with for {@code keys}' lock, encoded: the tag of its slot (see the wake script). */
    byte[] channelSuffix(EncodedKeyLayout keys) {
        return this == SINGLE ? NO_SUFFIX : EncodedKeyLayout.utf8(ShardedReleaseSubscriber.channelSuffix(keys.slot()));
    }
}
