package dev.distlock.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import org.springframework.dao.DataAccessException;

import org.jspecify.annotations.Nullable;

import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.LockBackendException;

/**
 * What both Redis backends, single node and Redlock, say to Redis and read back the same way:
 * lease times as PX milliseconds, the acquire script's reply, failures as the SPI's
 * {@link LockBackendException}, and long keys shortened in messages.
 */
final class RedisCalls {

    private RedisCalls() {
    }

    /** Script replies {1, token} and {0, pttl}; see {@link RedisLockScripts#ACQUIRE_LUA}. */
    static AcquireResult toResult(List<Long> reply) {
        if (reply == null || reply.size() != 2) {
            throw new LockBackendException("Unexpected reply from the acquire script: " + reply);
        }
        if (reply.get(0) == 1L) {
            return AcquireResult.granted(reply.get(1));
        }
        long pttl = reply.get(1);
        return pttl > 0 ? AcquireResult.denied(Duration.ofMillis(pttl)) : AcquireResult.denied();
    }

    /** PX takes whole milliseconds of at least 1 (0 would delete the key outright). */
    static String millis(Duration duration) {
        return Long.toString(Math.max(1, duration.toMillis()));
    }

    /**
     * {@link #millis}, as the bytes a script call sends. The last lease's bytes are kept (never
     * written to once made): an application's locks share a few lease lengths.
     */
    static byte[] millisBytes(Duration duration) {
        long millis = Math.max(1, duration.toMillis());
        EncodedMillis last = lastMillis;
        if (last != null && last.millis() == millis) {
            return last.bytes();
        }
        byte[] bytes = Long.toString(millis).getBytes(StandardCharsets.US_ASCII);
        lastMillis = new EncodedMillis(millis, bytes);
        return bytes;
    }

    private static volatile @Nullable EncodedMillis lastMillis;

    private record EncodedMillis(long millis, byte[] bytes) {
    }

    static <T> T call(String operation, String key, Supplier<T> command) {
        try {
            return command.get();
        } catch (DataAccessException e) {
            throw new LockBackendException("Redis " + operation + " of '" + abbreviate(key) + "' failed: "
                    + e.getMessage(), e);
        }
    }

    static String abbreviate(String key) {
        return key.length() <= 120 ? key : key.substring(0, 120) + "...(" + key.length() + " chars)";
    }
}
