package dev.distlock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandType;

/**
 * {@link LettuceScript#run}, the one EVALSHA -> NOSCRIPT -> EVAL fallback, on commands the test
 * answers itself: no Redis needed to see what is sent and what a cancelled answer does.
 */
class LettuceScriptTest {

    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final List<AsyncCommand<String, String, Long>> commands = new CopyOnWriteArrayList<>();

    @SuppressWarnings("unchecked")
    private final RedisScriptingAsyncCommands<String, String> redis = (RedisScriptingAsyncCommands<String, String>)
            Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {RedisScriptingAsyncCommands.class},
                    (proxy, method, args) -> {
                        sent.add(method.getName());
                        AsyncCommand<String, String, Long> command = new AsyncCommand<>(
                                new Command<>(CommandType.EVALSHA, new IntegerOutput<>(StringCodec.UTF8)));
                        commands.add(command);
                        return command;
                    });

    @Test
    void anAnswerBySha1IsTheAnswer() {
        CompletableFuture<Long> answer = LettuceScript.RENEW.run(redis, new String[] {"k"}, new String[] {"o", "1"});
        commands.get(0).complete(1L);
        assertThat(answer).isCompletedWithValue(1L);
        assertThat(sent).containsExactly("evalsha");
    }

    @Test
    void noScriptIsFollowedByTheScriptsText() {
        CompletableFuture<Long> answer = LettuceScript.RENEW.run(redis, new String[] {"k"}, new String[] {"o", "1"});
        commands.get(0).completeExceptionally(new RedisNoScriptException("NOSCRIPT No matching script"));
        assertThat(sent).containsExactly("evalsha", "eval");
        assertThat(answer).isNotDone();
        commands.get(1).complete(0L);
        assertThat(answer).isCompletedWithValue(0L);
    }

    @Test
    void cancellingTheAnswerCancelsTheCommandInFlight() {
        CompletableFuture<Long> answer = LettuceScript.RENEW.run(redis, new String[] {"k"}, new String[] {"o", "1"});
        answer.cancel(true);
        assertThat(commands.get(0)).isCancelled();

        CompletableFuture<Long> byText = LettuceScript.RENEW.run(redis, new String[] {"k"}, new String[] {"o", "1"});
        commands.get(1).completeExceptionally(new RedisNoScriptException("NOSCRIPT No matching script"));
        byText.cancel(true);
        assertThat(commands.get(2)).isCancelled();
    }

    @Test
    void anotherFailureFailsTheAnswerWithoutEval() {
        CompletableFuture<Long> answer = LettuceScript.RENEW.run(redis, new String[] {"k"}, new String[] {"o", "1"});
        IllegalStateException failure = new IllegalStateException("WRONGTYPE");
        commands.get(0).completeExceptionally(failure);
        Throwable thrown = catchThrowable(answer::join);
        assertThat(thrown).isInstanceOf(CompletionException.class);
        assertThat(thrown.getCause()).isSameAs(failure);
        assertThat(sent).containsExactly("evalsha");
    }
}
