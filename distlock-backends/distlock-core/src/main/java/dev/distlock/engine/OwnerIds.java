package dev.distlock.engine;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owner ids {@code <instance-id>:<sequence>}: a random 128-bit instance id per engine, so that two
 * JVMs (or two engines in one JVM) never collide, and a sequence per acquisition, so that a late
 * release of an earlier acquisition cannot free a later one. The instance id is 22 characters of
 * URL-safe Base64 rather than a 36-character UUID: an owner id is built per lock and stored with
 * every held key.
 */
final class OwnerIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String instanceId = newInstanceId();
    private final AtomicLong sequence = new AtomicLong();

    String instanceId() {
        return instanceId;
    }

    String next() {
        return instanceId + ":" + sequence.incrementAndGet();
    }

    private static String newInstanceId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
