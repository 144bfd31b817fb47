package dev.distlock.redis;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * What a single-node release publishes ({@code wake} in {@link RedisQueueScripts}):
 * {@code <byte length of head>:<head><key>}, head being the fair queue's first live owner, or empty
 * when every waiter of the key may retry. The length prefix keeps any key and owner text apart.
 *
 * @param key  the lock key that may be free
 * @param head the only fair waiter that may retry, or null when every waiter of the key may
 */
record ReleaseMessage(String key, @Nullable String head) {

    static ReleaseMessage parse(byte[] body) {
        int colon = 0;
        int headLength = 0;
        while (colon < body.length && body[colon] >= '0' && body[colon] <= '9' && colon < 9) {
            headLength = headLength * 10 + (body[colon] - '0');
            colon++;
        }
        if (colon == 0 || colon == body.length || body[colon] != ':' || colon + 1 + headLength > body.length) {
            // Not ours (e.g. a message published by hand): wake every waiter of that text as a key.
            return new ReleaseMessage(new String(body, StandardCharsets.UTF_8), null);
        }
        int keyStart = colon + 1 + headLength;
        String head = headLength == 0 ? null
                : new String(Arrays.copyOfRange(body, colon + 1, keyStart), StandardCharsets.UTF_8);
        return new ReleaseMessage(new String(body, keyStart, body.length - keyStart, StandardCharsets.UTF_8), head);
    }
}
