package dev.distlock.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.jspecify.annotations.Nullable;

import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.support.Causes;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * Scripts on the connection factory's own native Lettuce connection, as a template would send them
 * but without its per-call connection wrapper, serializers and result conversion. On a Cluster the
 * native connection routes each script by its first key's slot (every script's keys share one).
 *
 * <p>With a shared native connection (the factory's default, and Spring Boot's) the connection is
 * fetched once and again only when it is closed (the factory reset it); without sharing (a pool),
 * each call borrows a connection from the factory and gives it back. Waits as the factory's
 * template would: at most its command timeout. {@link #dispatch} sends without waiting, for a
 * caller that bounds the wait itself (the engine). EVALSHA, and EVAL on NOSCRIPT, is
 * {@link LettuceScript#run}'s, for every call here.
 */
final class LettuceScriptCalls implements RedisScriptCalls {

    private final LettuceConnectionFactory factory;
    private volatile @Nullable RedisClusterAsyncCommands<byte[], byte[]> shared;

    LettuceScriptCalls(LettuceConnectionFactory factory) {
        this.factory = factory;
    }

    @Override
    public <T> T run(String operation, String key, LettuceScript script, byte[][] keys, byte[][] args) {
        long deadline = deadline();
        try {
            if (factory.getShareNativeConnection()) {
                return answer(script.run(sharedCommands(), keys, args), deadline);
            }
            try (RedisConnection borrowed = factory.getConnection()) {
                return answer(script.run(nativeOf(borrowed), keys, args), deadline);
            }
        } catch (RedisException | DataAccessException e) {
            throw failed(operation, key, e);
        }
    }

    @Override
    public <T> List<T> runAll(String operation, String what, LettuceScript script, List<byte[][]> keys,
            List<byte[][]> args) {
        long deadline = deadline();
        try {
            if (factory.getShareNativeConnection()) {
                return runAllOn(sharedCommands(), script, keys, args, deadline);
            }
            try (RedisConnection borrowed = factory.getConnection()) {
                return runAllOn(nativeOf(borrowed), script, keys, args, deadline);
            }
        } catch (RedisException | DataAccessException e) {
            throw failed(operation, what, e);
        }
    }

    /**
     * Sends the script on the shared native connection when that is open, and never blocks: the
     * future completes on Lettuce's I/O thread with {@code reply} of the answer (which must not block
     * either), or fails with {@link LockBackendException}. Cancelling it cancels the command. Null
     * without a shared connection fetched and open (fetching one, or borrowing from a pool, blocks).
     */
    @Override
    public <T, R> @Nullable CompletableFuture<R> dispatch(String operation, String key, LettuceScript script,
            byte[][] keys, byte[][] args, Function<T, R> reply) {
        RedisClusterAsyncCommands<byte[], byte[]> commands = shared;
        if (commands == null || !factory.getShareNativeConnection() || !commands.isOpen()) {
            return null;
        }
        CompletableFuture<T> sent = script.run(commands, keys, args);
        CompletableFuture<R> answer = new CompletableFuture<>();
        sent.whenComplete((value, failure) -> {
            try {
                if (failure == null) {
                    answer.complete(reply.apply(value));
                } else {
                    // Whatever ended the command (an error reply, a closed connection, Lettuce cancelling it).
                    answer.completeExceptionally(failed(operation, key, Causes.unwrap(failure)));
                }
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        });
        LettuceScript.cancelWith(answer, sent);
        return answer;
    }

    /** Every call is written before the first answer is awaited: one pipelined exchange per node. */
    private static <T> List<T> runAllOn(RedisClusterAsyncCommands<byte[], byte[]> commands, LettuceScript script,
            List<byte[][]> keys, List<byte[][]> args, long deadline) {
        List<CompletableFuture<T>> sent = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            sent.add(script.run(commands, keys.get(i), args.get(i)));
        }
        List<T> answers = new ArrayList<>(keys.size());
        for (CompletableFuture<T> call : sent) {
            answers.add(answer(call, deadline));
        }
        return answers;
    }

    /** The answer, or Lettuce's own exception for why there is none. */
    private static <T> T answer(CompletableFuture<T> future, long deadline) {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = Causes.unwrap(e);
            throw cause instanceof RedisException redis ? redis : new RedisException(cause);
        } catch (CancellationException e) {
            throw new RedisException("the command was cancelled: " + e.getMessage(), e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new RedisCommandTimeoutException("no answer within the connection factory's command timeout");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new RedisCommandInterruptedException(e);
        }
    }

    private RedisClusterAsyncCommands<byte[], byte[]> sharedCommands() {
        RedisClusterAsyncCommands<byte[], byte[]> known = shared;
        if (known == null || !known.isOpen()) {
            // Closing the wrapper leaves the shared native connection open: it is the factory's.
            try (RedisConnection connection = factory.getConnection()) {
                known = nativeOf(connection);
            }
            shared = known;
        }
        return known;
    }

    @SuppressWarnings("unchecked")
    private static RedisClusterAsyncCommands<byte[], byte[]> nativeOf(RedisConnection connection) {
        return (RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
    }

    private long deadline() {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(factory.getTimeout());
    }

    private static LockBackendException failed(String operation, String key, Throwable e) {
        return new LockBackendException("Redis " + operation + " of '" + RedisCalls.abbreviate(key) + "' failed: "
                + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), e);
    }
}
