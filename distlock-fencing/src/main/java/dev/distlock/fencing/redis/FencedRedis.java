package dev.distlock.fencing.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.distlock.StaleLockTokenException;
import dev.distlock.fencing.FencingToken;

/**
 * Fenced Redis writes: each is one script call that writes only when the key's stored token is not
 * newer than the writer's, and stores the writer's token beside the key ({@link FenceKeys#of}), or
 * refuses with {@link StaleLockTokenException} and changes nothing.
 *
 * <pre>{@code
 * @DistributedLock(key = "#order.id")
 * public void ship(Order order) {
 *     fencedRedis.hset("order:" + order.id(), Map.of("status", "SHIPPED"));
 * }
 * }</pre>
 *
 * <p>The token is the current thread's lease ({@code LockContext}) unless {@link #withToken} gives
 * one. Values and fields are strings, as {@link StringRedisTemplate} writes them. Readers read the
 * key as usual ({@code GET}, {@code HGETALL}); only writers go through this class.
 */
public final class FencedRedis {

    private final StringRedisTemplate redis;
    private final @Nullable FencingToken token;

    private FencedRedis(StringRedisTemplate redis, @Nullable FencingToken token) {
        this.redis = redis;
        this.token = token;
    }

    public FencedRedis(StringRedisTemplate redis) {
        this(redis, null);
    }

    public FencedRedis(RedisConnectionFactory connectionFactory) {
        this(new StringRedisTemplate(connectionFactory));
    }

    /** The same writes under {@code token} instead of the current thread's lease. */
    public FencedRedis withToken(FencingToken token) {
        return new FencedRedis(redis, token);
    }

    /** {@link #withToken(FencingToken)} for a token passed by hand. */
    public FencedRedis withToken(long token) {
        return withToken(FencingToken.of(token));
    }

    /** {@code SET key value}, fenced. */
    public void set(String key, String value) {
        write(key, Duration.ZERO, "set", List.of(value));
    }

    /** {@code SET key value PX ttl}, fenced; the stored token expires with the value. */
    public void set(String key, String value, Duration ttl) {
        if (ttl.toMillis() < 1) {
            throw new IllegalArgumentException("The TTL of " + key + " must be at least 1 ms, was " + ttl);
        }
        write(key, ttl, "set", List.of(value));
    }

    /** {@code HSET key field value ...}, fenced: every field or none. */
    public void hset(String key, Map<String, String> fields) {
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("A fenced HSET of " + key + " needs at least one field");
        }
        List<String> pairs = new ArrayList<>(fields.size() * 2);
        fields.forEach((field, value) -> {
            pairs.add(field);
            pairs.add(value);
        });
        write(key, Duration.ZERO, "hset", pairs);
    }

    /** {@code HSET key field value}, fenced. */
    public void hset(String key, String field, String value) {
        hset(key, Map.of(field, value));
    }

    /** {@code DEL key}, fenced; the stored token stays, so that a stale holder cannot write the key again. */
    public void delete(String key) {
        write(key, Duration.ZERO, "del", List.of());
    }

    /** The token of the last fenced write of {@code key}, if one is kept. */
    public OptionalLong storedToken(String key) {
        String stored = redis.opsForValue().get(FenceKeys.of(key));
        return stored == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(stored));
    }

    private void write(String key, Duration ttl, String operation, List<String> values) {
        FencingToken fence = FencingToken.orCurrent(token);
        List<String> args = new ArrayList<>(3 + values.size());
        args.add(Long.toString(fence.value()));
        args.add(Long.toString(ttl.toMillis()));
        args.add(operation);
        args.addAll(values);
        String newer = redis.execute(FencedRedisScripts.FENCED_WRITE, List.of(key, FenceKeys.of(key)), args.toArray());
        if (newer != null) {
            throw new StaleLockTokenException(key, fence.value(), Long.parseLong(newer), fence.lockKey());
        }
    }
}
