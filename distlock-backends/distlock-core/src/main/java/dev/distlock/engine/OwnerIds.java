package dev.distlock.engine;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owner ids {@code <instance-id>:<sequence>}: a random 122-bit instance id per engine, so that two
 * JVMs (or two engines in one JVM) never collide, and a sequence per acquisition, so that a late
 * release of an earlier acquisition cannot free a later one.
 */
final class OwnerIds {

    private final String instanceId = UUID.randomUUID().toString();
    private final AtomicLong sequence = new AtomicLong();

    String instanceId() {
        return instanceId;
    }

    String next() {
        return instanceId + ":" + sequence.incrementAndGet();
    }
}
