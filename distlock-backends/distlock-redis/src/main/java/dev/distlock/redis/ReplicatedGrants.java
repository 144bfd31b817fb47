package dev.distlock.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.distlock.spi.LockBackendException;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * Runs a grant and, when it granted, {@code WAIT} on the same connection (a session binds it, for
 * pooled clients too): {@code WAIT} counts the replicas that acknowledged every write this
 * connection sent before it, the grant included. See {@link ReplicaWait} for what that promises.
 */
final class ReplicatedGrants {

    /** Beyond WAIT's own timeout, how long the answer may take to arrive. */
    private static final Duration ANSWER_MARGIN = Duration.ofSeconds(1);

    private final StringRedisTemplate redis;
    private final ReplicaWait wait;

    ReplicatedGrants(StringRedisTemplate redis, ReplicaWait wait) {
        this.redis = redis;
        this.wait = wait;
    }

    /** Whether grants wait for replicas; when not, the caller runs its grant itself, without {@link #grant}. */
    boolean waitsForReplicas() {
        return wait.enabled();
    }

    /**
     * Only when {@link #waitsForReplicas}: runs {@code grant} in a session and WAITs after a grant.
     *
     * @param grant the acquire script's call, replying {1, token} or {0, pttl}
     * @param undo  releases the grant when too few replicas acknowledged it
     */
    List<Long> grant(String key, Supplier<List<Long>> grant, Runnable undo) {
        return redis.execute(new SessionCallback<List<Long>>() {
            @Override
            @SuppressWarnings("unchecked")
            public <K, V> List<Long> execute(RedisOperations<K, V> operations) throws DataAccessException {
                if (Boolean.TRUE.equals(redis.execute((RedisCallback<Boolean>) c -> c instanceof RedisClusterConnection))) {
                    // A cluster connection may send WAIT on another connection than the grant: it would count nothing.
                    throw new LockBackendException("distlock.redis.wait-for-replicas is not supported on Redis Cluster "
                            + "(WAIT must follow the grant on the same node connection); set it to 0");
                }
                List<Long> reply = grant.get();
                if (reply == null || reply.isEmpty() || reply.get(0) != 1L) {
                    return reply;
                }
                long acknowledged = redis.execute((RedisCallback<Long>) ReplicatedGrants.this::waitForReplicas);
                if (acknowledged < wait.replicas()) {
                    undo.run();
                    throw new LockBackendException("Redis WAIT: " + acknowledged + " of " + wait.replicas()
                            + " replicas acknowledged the grant of '" + RedisCalls.abbreviate(key) + "' within "
                            + wait.timeout() + "; the grant was released. Check the replicas (INFO replication), or lower "
                            + "distlock.redis.wait-for-replicas");
                }
                return reply;
            }
        });
    }

    /**
     * Lettuce: its own WAIT on the native commands, which are the connection the grant went on
     * (spring-data-redis types a custom WAIT's reply as bytes there); other clients: a plain WAIT.
     */
    private long waitForReplicas(RedisConnection connection) {
        if (connection.getNativeConnection() instanceof RedisClusterAsyncCommands<?, ?> lettuce) {
            try {
                return lettuce.waitForReplication(wait.replicas(), wait.timeout().toMillis())
                        .get(wait.timeout().toMillis() + ANSWER_MARGIN.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LockBackendException("Interrupted in Redis WAIT", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new LockBackendException("Redis WAIT failed: " + e, e);
            }
        }
        return toLong(connection.execute("WAIT", bytes(wait.replicas()), bytes(wait.timeout().toMillis())));
    }

    private static byte[] bytes(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }

    private static long toLong(Object reply) {
        if (reply instanceof Number number) {
            return number.longValue();
        }
        if (reply instanceof byte[] text) {
            return Long.parseLong(new String(text, StandardCharsets.US_ASCII));
        }
        throw new LockBackendException("Unexpected reply to WAIT: " + reply);
    }
}
