package dev.distlock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.distlock.spi.LockBackendException;
import io.lettuce.core.RedisException;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandType;

/**
 * {@link LettuceScriptCalls#dispatch} on a shared native connection that the test answers itself:
 * nothing is sent before the connection was fetched by a blocking call, and however Lettuce ends a
 * command, the future fails with the SPI's {@link LockBackendException}.
 */
class LettuceScriptCallsTest {

    private static final byte[][] KEYS = {{'k'}};
    private static final byte[][] ARGS = {{'o'}, {'1'}};

    private final List<AsyncCommand<byte[], byte[], Long>> commands = new CopyOnWriteArrayList<>();
    private volatile boolean answerAtOnce = true;

    @SuppressWarnings("unchecked")
    private final RedisClusterAsyncCommands<byte[], byte[]> redis = (RedisClusterAsyncCommands<byte[], byte[]>)
            Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {RedisClusterAsyncCommands.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "isOpen" -> true;
                        case "evalsha", "eval" -> {
                            AsyncCommand<byte[], byte[], Long> command = new AsyncCommand<>(
                                    new Command<>(CommandType.EVALSHA, new IntegerOutput<>(ByteArrayCodec.INSTANCE)));
                            commands.add(command);
                            if (answerAtOnce) {
                                command.complete(1L);
                            }
                            yield command;
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    });

    private final RedisConnection connection = (RedisConnection) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {RedisConnection.class}, (proxy, method, args) -> switch (method.getName()) {
                case "getNativeConnection" -> redis;
                case "close" -> null;
                default -> throw new UnsupportedOperationException(method.getName());
            });

    private final LettuceScriptCalls calls = new LettuceScriptCalls(new LettuceConnectionFactory() {
        @Override
        public RedisConnection getConnection() {
            return connection;
        }
    });

    @Test
    void nothingIsDispatchedBeforeABlockingCallFetchedTheSharedConnection() {
        assertThat(calls.<Long, Long>dispatch("renew", "k", LettuceScript.RENEW, KEYS, ARGS, Function.identity())).isNull();
        assertThat(commands).isEmpty();
        assertThat(calls.<Long>run("renew", "k", LettuceScript.RENEW, KEYS, ARGS)).isEqualTo(1L);
        assertThat(calls.<Long, Long>dispatch("renew", "k", LettuceScript.RENEW, KEYS, ARGS, Function.identity()))
                .isCompletedWithValue(1L);
    }

    @Test
    void aCommandThatLettuceFailsFailsTheFutureWithTheBackendsException() {
        CompletableFuture<Long> answer = dispatched();
        commands.get(1).completeExceptionally(new RedisException("Connection closed"));
        assertThat(failure(answer)).isInstanceOf(LockBackendException.class)
                .hasMessageContaining("Redis renew of 'k' failed: Connection closed");
    }

    @Test
    void aCommandThatLettuceCancelsFailsTheFutureWithTheBackendsException() {
        CompletableFuture<Long> answer = dispatched();
        commands.get(1).cancel(true); // as Lettuce does to the commands of a connection it gives up on
        assertThat(failure(answer)).isInstanceOf(LockBackendException.class)
                .hasMessageContaining("Redis renew of 'k' failed: CancellationException");
    }

    @Test
    void cancellingTheFutureCancelsTheCommand() {
        CompletableFuture<Long> answer = dispatched();
        answer.cancel(true);
        assertThat(commands.get(1)).isCancelled();
    }

    /** A dispatch left unanswered, after the blocking call that fetched the shared connection. */
    private CompletableFuture<Long> dispatched() {
        calls.<Long>run("renew", "k", LettuceScript.RENEW, KEYS, ARGS);
        answerAtOnce = false;
        CompletableFuture<Long> answer = calls.dispatch("renew", "k", LettuceScript.RENEW, KEYS, ARGS, Function.<Long>identity());
        assertThat(answer).isNotNull().isNotDone();
        return answer;
    }

    private static Throwable failure(CompletableFuture<?> answer) {
        Throwable thrown = catchThrowable(answer::join);
        assertThat(thrown).isInstanceOf(CompletionException.class);
        return thrown.getCause();
    }
}
