package dev.distlock.engine;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owner ids {@code <instance-id>:<sequence>}: a random 90-bit instance id per engine, so that two
 * JVMs (or two engines in one JVM) never collide (a collision among a million live engines has odds
 * below 10<sup>-15</sup>), and a sequence per acquisition, so that a late release of an earlier
 * acquisition cannot free a later one. Short because an owner id is built per lock and stored with
 * every held key: 15 characters of URL-safe Base64 keep it within 24 characters, one 40-byte array,
 * for the first 100 million acquisitions; the sequence stays decimal, which the string concatenation
 * writes straight into that array (another radix would cost a string of its own per lock).
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
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).substring(0, 15); // 90 of the 96 bits
    }
}
