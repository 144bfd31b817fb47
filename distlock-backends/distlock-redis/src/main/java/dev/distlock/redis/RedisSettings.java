package dev.distlock.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings shared by {@link RedisLockBackend} and {@link RedlockLockBackend}.
 *
 * @param releaseChannel     single mode: the prefix of each backend's own release channel,
 *                           {@code <releaseChannel>:<random id>}, to which a release publishes only
 *                           while that backend waits for the key; Redlock: the channel on which
 *                           every release publishes its key
 * @param queueEntryLifetime how long a waiter's place in a fair queue, and a backend's interest
 *                           in a key's release, survive once the waiter stops refreshing them (its
 *                           JVM died); a dead first-in-line blocks the queue at most this long
 * @param operationTimeout   the bound on {@link dev.distlock.spi.LockBackend#health()} and on one
 *                           attempt to start the release subscription (which nobody waits for),
 *                           and in Redlock mode on each node's answer
 */
public record RedisSettings(String releaseChannel, Duration queueEntryLifetime, Duration operationTimeout) {

    public static final String DEFAULT_RELEASE_CHANNEL = "distlock:released";

    public RedisSettings {
        Objects.requireNonNull(releaseChannel, "releaseChannel");
        requirePositive(queueEntryLifetime, "queueEntryLifetime");
        requirePositive(operationTimeout, "operationTimeout");
    }

    /** Channel {@value #DEFAULT_RELEASE_CHANNEL}, queue entries live 10 s, operations bounded by 2 s. */
    public static RedisSettings defaults() {
        return new RedisSettings(DEFAULT_RELEASE_CHANNEL, Duration.ofSeconds(10), Duration.ofSeconds(2));
    }

    public RedisSettings withReleaseChannel(String channel) {
        return new RedisSettings(channel, queueEntryLifetime, operationTimeout);
    }

    public RedisSettings withQueueEntryLifetime(Duration lifetime) {
        return new RedisSettings(releaseChannel, lifetime, operationTimeout);
    }

    public RedisSettings withOperationTimeout(Duration timeout) {
        return new RedisSettings(releaseChannel, queueEntryLifetime, timeout);
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + duration);
        }
    }
}
