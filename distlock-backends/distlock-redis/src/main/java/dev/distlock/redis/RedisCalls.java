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
     * {@link #millis}, as the bytes a script call sends, from a small fixed cache: an application's
     * locks share a few lease lengths, and a fair acquire sends two (the lease and the queue entry's
     * lifetime) in one call. The bytes are never written to once made.
     */
    static byte[] millisBytes(Duration duration) {
        long millis = Math.max(1, duration.toMillis());
        int slot = (int) (millis % ENCODED_MILLIS_SLOTS);
        EncodedMillis cached = encodedMillis[slot];
        if (cached != null && cached.millis() == millis) {
            return cached.bytes();
        }
        byte[] bytes = Long.toString(millis).getBytes(StandardCharsets.US_ASCII);
        encodedMillis[slot] = new EncodedMillis(millis, bytes);
        return bytes;
    }

    /**
     * A prime number of slots, each lease length in the slot of its remainder: the multiples of half a
     * second up to a minute (and whole seconds up to two minutes) each have a slot of their own.
     */
    private static final int ENCODED_MILLIS_SLOTS = 127;

    /**
     * Read and written without locks on purpose: an entry's fields are final, so a thread sees a whole
     * entry or an older one, and a lost write only costs a later miss.
     */
    private static final @Nullable EncodedMillis[] encodedMillis = new EncodedMillis[ENCODED_MILLIS_SLOTS];

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
