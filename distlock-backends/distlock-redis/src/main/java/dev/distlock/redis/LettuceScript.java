package dev.distlock.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import dev.distlock.spi.support.Causes;

/**
 * One of {@link RedisLockScripts}' or {@link RedisQueueScripts}' texts, with its SHA-1 computed once,
 * run on a Lettuce connection: EVALSHA first, EVAL (which also caches the script) when the node
 * answers NOSCRIPT, e.g. after a restart or SCRIPT FLUSH.
 */
record LettuceScript(String lua, String sha1, ScriptOutputType outputType) {

    static final LettuceScript ACQUIRE = of(RedisLockScripts.ACQUIRE_LUA, ScriptOutputType.MULTI);
    static final LettuceScript HAND_OVER = of(RedisLockScripts.HAND_OVER_LUA, ScriptOutputType.MULTI);
    static final LettuceScript RENEW = of(RedisLockScripts.RENEW_LUA, ScriptOutputType.INTEGER);
    static final LettuceScript RENEW_ALL = of(RedisLockScripts.RENEW_ALL_LUA, ScriptOutputType.MULTI);
    static final LettuceScript RELEASE = of(RedisLockScripts.RELEASE_LUA, ScriptOutputType.INTEGER);
    static final LettuceScript RAISE_FENCE = of(RedisLockScripts.RAISE_FENCE_LUA, ScriptOutputType.INTEGER);
    static final LettuceScript FAIR_ACQUIRE = of(RedisQueueScripts.FAIR_ACQUIRE_LUA, ScriptOutputType.MULTI);
    static final LettuceScript RELEASE_AND_WAKE = of(RedisQueueScripts.RELEASE_AND_WAKE_LUA, ScriptOutputType.INTEGER);
    static final LettuceScript WITHDRAW = of(RedisQueueScripts.WITHDRAW_LUA, ScriptOutputType.INTEGER);
    static final LettuceScript KEEP_QUEUED = of(RedisQueueScripts.KEEP_QUEUED_LUA, ScriptOutputType.INTEGER);

    static LettuceScript of(String lua, ScriptOutputType outputType) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(lua.getBytes(StandardCharsets.UTF_8));
            return new LettuceScript(lua, HexFormat.of().formatHex(digest), outputType);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every Java runtime", e);
        }
    }

    /** EVALSHA; {@link #run} sends {@link #eval} on NOSCRIPT. */
    private <K, V, T> RedisFuture<T> evalsha(RedisScriptingAsyncCommands<K, V> commands, K[] keys, V[] args) {
        return commands.evalsha(sha1, outputType, keys, args);
    }

    /** EVAL, which also loads the script into the node's cache for the next EVALSHA. */
    private <K, V, T> RedisFuture<T> eval(RedisScriptingAsyncCommands<K, V> commands, K[] keys, V[] args) {
        return commands.eval(lua, outputType, keys, args);
    }

    /**
     * EVALSHA, then EVAL on NOSCRIPT, without blocking: the one place of that fallback, for the
     * single-node backend's calls and Redlock's (which sends to every node at once). The EVAL goes out
     * from the callback on Lettuce's I/O thread, which only writes it. Cancelling the answer cancels
     * the command in flight, as an interrupted wait for it would.
     */
    <K, V, T> CompletableFuture<T> run(RedisScriptingAsyncCommands<K, V> commands, K[] keys, V[] args) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        RedisFuture<T> bySha = this.<K, V, T>evalsha(commands, keys, args);
        cancelWith(answer, bySha);
        bySha.whenComplete((value, failure) -> {
            if (failure == null) {
                answer.complete(value);
                return;
            }
            Throwable cause = Causes.unwrap(failure);
            if (!(cause instanceof RedisNoScriptException) || answer.isDone()) {
                answer.completeExceptionally(cause);
                return;
            }
            RedisFuture<T> byText = this.<K, V, T>eval(commands, keys, args);
            cancelWith(answer, byText);
            byText.whenComplete((text, textFailure) -> {
                if (textFailure == null) {
                    answer.complete(text);
                } else {
                    answer.completeExceptionally(Causes.unwrap(textFailure));
                }
            });
        });
        return answer;
    }

    /** Cancels {@code command} when {@code answer}, which it completes, is cancelled. */
    static void cancelWith(CompletableFuture<?> answer, Future<?> command) {
        answer.whenComplete((ignored, failure) -> {
            if (answer.isCancelled()) {
                command.cancel(true);
            }
        });
    }
}
