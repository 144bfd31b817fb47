package dev.distlock.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import dev.distlock.spi.support.Causes;

/**
 * One of {@link RedisLockScripts}' texts, run on a plain Lettuce connection the way
 * spring-data-redis runs it on a connection factory: EVALSHA first, EVAL (which also caches the
 * script) when the node answers NOSCRIPT, e.g. after a restart or SCRIPT FLUSH.
 */
record LettuceScript(String lua, String sha1, ScriptOutputType outputType) {

    static final LettuceScript ACQUIRE = of(RedisLockScripts.ACQUIRE_LUA, ScriptOutputType.MULTI);
    static final LettuceScript RENEW = of(RedisLockScripts.RENEW_LUA, ScriptOutputType.INTEGER);
    static final LettuceScript RELEASE = of(RedisLockScripts.RELEASE_LUA, ScriptOutputType.INTEGER);
    static final LettuceScript RAISE_FENCE = of(RedisLockScripts.RAISE_FENCE_LUA, ScriptOutputType.INTEGER);

    static LettuceScript of(String lua, ScriptOutputType outputType) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(lua.getBytes(StandardCharsets.UTF_8));
            return new LettuceScript(lua, HexFormat.of().formatHex(digest), outputType);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every Java runtime", e);
        }
    }

    <T> CompletableFuture<T> run(RedisAsyncCommands<String, String> commands, String[] keys, String... args) {
        CompletableFuture<T> bySha = commands.<T>evalsha(sha1, outputType, keys, args).toCompletableFuture();
        return bySha.exceptionallyCompose(failure -> {
            Throwable cause = Causes.unwrap(failure);
            if (cause instanceof RedisNoScriptException) {
                return commands.<T>eval(lua, outputType, keys, args).toCompletableFuture();
            }
            return CompletableFuture.failedFuture(cause);
        });
    }
}
