package dev.distlock.redis;

import java.nio.charset.StandardCharsets;

import org.springframework.data.redis.connection.ClusterSlotHashUtil;

/**
 * {@link RedisKeyLayout}'s per-key names as the bytes a script call sends, each copied from one
 * UTF-8 encoding of the lock key: no intermediate strings per call. The fence counter depends on
 * the deployment ({@link RedisDeployment#fence}).
 */
final class EncodedKeyLayout {

    private static final byte[] PREFIX = ascii("{lock:");
    private static final byte[] CLOSE = ascii("}");
    private static final byte[] REPLACED_FENCE = ascii("}:fence");
    private static final byte[] QUEUE = ascii("}:queue");
    private static final byte[] QUEUE_DEADLINES = ascii("}:queue-deadlines");
    private static final byte[] WAITERS = ascii("}:waiters");

    private static final int UNKNOWN_SLOT = -1;

    private final byte[] key;
    private final byte[] lock;
    // Not volatile: a layout serves one call, and a racing second computation would write the same value.
    private int slot = UNKNOWN_SLOT;

    EncodedKeyLayout(String key) {
        this.key = utf8(key);
        this.lock = named(CLOSE);
    }

    /** The lock key itself, as release messages carry it. */
    byte[] key() {
        return key;
    }

    /** {@link RedisKeyLayout#lock()}. */
    byte[] lock() {
        return lock;
    }

    /** {@link RedisKeyLayout#replacedFence()}. */
    byte[] replacedFence() {
        return named(REPLACED_FENCE);
    }

    /** {@link RedisKeyLayout#queue()}. */
    byte[] queue() {
        return named(QUEUE);
    }

    /** {@link RedisKeyLayout#queueDeadlines()}. */
    byte[] queueDeadlines() {
        return named(QUEUE_DEADLINES);
    }

    /** {@link RedisKeyLayout#waiters()}. */
    byte[] waiters() {
        return named(WAITERS);
    }

    /**
     * The hash slot of every name here (they share the tag {@code {lock:<key>}}): computed when first
     * asked (only on a Cluster), then kept, since one call may need it twice (fence counter and channel).
     */
    int slot() {
        if (slot == UNKNOWN_SLOT) {
            slot = ClusterSlotHashUtil.calculateSlot(lock);
        }
        return slot;
    }

    /**
     * The hash slot of a Redis key name as Redis computes it, from its UTF-8 bytes (as every key is
     * sent); spring-data-redis's String overload encodes with the platform charset.
     */
    static int slotOf(String name) {
        return ClusterSlotHashUtil.calculateSlot(utf8(name));
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] named(byte[] suffix) {
        byte[] name = new byte[PREFIX.length + key.length + suffix.length];
        System.arraycopy(PREFIX, 0, name, 0, PREFIX.length);
        System.arraycopy(key, 0, name, PREFIX.length, key.length);
        System.arraycopy(suffix, 0, name, PREFIX.length + key.length, suffix.length);
        return name;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
