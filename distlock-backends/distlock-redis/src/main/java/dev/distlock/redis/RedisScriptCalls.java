package dev.distlock.redis;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import org.jspecify.annotations.Nullable;

import dev.distlock.spi.LockBackendException;

/**
 * How the single-node backend sends its scripts to Redis, keys and arguments already encoded:
 * on the native Lettuce connection of a {@link LettuceConnectionFactory} ({@link LettuceScriptCalls}),
 * else through a spring-data-redis template ({@link TemplateScriptCalls}, e.g. Jedis). Either way
 * EVALSHA, and EVAL when the node answers NOSCRIPT.
 */
interface RedisScriptCalls {

    static RedisScriptCalls on(RedisConnectionFactory factory) {
        return factory instanceof LettuceConnectionFactory lettuce ? new LettuceScriptCalls(lettuce)
                : new TemplateScriptCalls(factory);
    }

    /**
     * Runs {@code script} and waits for its answer; {@code operation} and {@code key} name it in a failure.
     *
     * @throws LockBackendException when Redis could not be asked or did not answer
     */
    <T> T run(String operation, String key, LettuceScript script, byte[][] keys, byte[][] args);

    /**
     * Runs {@code script} once per entry of {@code keys} and {@code args} (same size), sending every
     * call before waiting for the first answer where the client allows; the answers in that order.
     *
     * @throws LockBackendException when any of the calls failed
     */
    <T> List<T> runAll(String operation, String what, LettuceScript script, List<byte[][]> keys, List<byte[][]> args);

    /**
     * Sends {@code script} without blocking the caller or waiting for the answer, when the client can:
     * the future has {@code reply} of the answer (applied on the client's I/O thread: it must not
     * block) or fails with {@link LockBackendException}; cancelling it cancels the command.
     *
     * @return null when it cannot be sent without blocking (no connection yet, a pool, a blocking
     *         client): the caller then uses {@link #run} on a thread that may block
     */
    default <T, R> @Nullable CompletableFuture<R> dispatch(String operation, String key, LettuceScript script,
            byte[][] keys, byte[][] args, Function<T, R> reply) {
        return null;
    }
}
