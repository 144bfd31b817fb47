package dev.distlock.redis;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.lettuce.core.SslOptions;
import org.jspecify.annotations.Nullable;

/**
 * Settings of {@link RedlockLockBackend}.
 *
 * @param nodes       the independent Redis nodes (not replicas of each other), as
 *                    {@code redis://[[user:]password@]host:port[/db]} or {@code rediss://...} for TLS;
 *                    an odd number of at least 3 is what Redlock is meant for
 * @param nodeTimeout how long one node may take to answer one attempt; kept short against the
 *                    lease so that a dead node costs little of the lock's validity
 * @param common      release channel, fair-queue and health settings shared with single mode
 * @param ssl         for {@code rediss://} nodes: the trust (a CA of your own) and, where nodes demand
 *                    one, the client certificate; null for the JDK's default trust store
 */
public record RedlockSettings(List<String> nodes, Duration nodeTimeout, RedisSettings common, @Nullable SslOptions ssl) {

    /** Redis.io's clock drift allowance: 1% of the lease ... */
    static final double CLOCK_DRIFT_FACTOR = 0.01;
    /** ... plus 2 ms for the granularity of PX expiry. */
    static final Duration CLOCK_DRIFT_FLOOR = Duration.ofMillis(2);

    public RedlockSettings {
        nodes = List.copyOf(Objects.requireNonNull(nodes, "nodes"));
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("Redlock needs at least one node (three or more to survive a failure)");
        }
        Objects.requireNonNull(nodeTimeout, "nodeTimeout");
        if (nodeTimeout.isNegative() || nodeTimeout.isZero()) {
            throw new IllegalArgumentException("nodeTimeout must be positive, was " + nodeTimeout);
        }
        Objects.requireNonNull(common, "common");
    }

    /** Without {@link SslOptions}: {@code rediss://} nodes are trusted through the JDK's default trust store. */
    public RedlockSettings(List<String> nodes, Duration nodeTimeout, RedisSettings common) {
        this(nodes, nodeTimeout, common, null);
    }

    /** The nodes with a 100 ms node timeout and the default common settings. */
    public static RedlockSettings of(List<String> nodes) {
        return new RedlockSettings(nodes, Duration.ofMillis(100), RedisSettings.defaults());
    }

    public RedlockSettings withNodeTimeout(Duration timeout) {
        return new RedlockSettings(nodes, timeout, common, ssl);
    }

    public RedlockSettings withCommon(RedisSettings settings) {
        return new RedlockSettings(nodes, nodeTimeout, settings, ssl);
    }

    /** TLS trust and key material for {@code rediss://} nodes, e.g. from a Spring Boot SSL bundle. */
    public RedlockSettings withSsl(SslOptions sslOptions) {
        return new RedlockSettings(nodes, nodeTimeout, common, sslOptions);
    }

    /** N/2 + 1. */
    int quorum() {
        return nodes.size() / 2 + 1;
    }

    /** How long a lease granted now stays trustworthy: TTL - elapsed - drift (0.01 x TTL + 2 ms). */
    static Duration validity(Duration ttl, Duration elapsed) {
        return validityFromStart(ttl).minus(elapsed);
    }

    /**
     * The same instant counted from when the attempt was sent: TTL - drift. Every node started its
     * PX no earlier than that, so however long the answers took, the lease holds until then.
     */
    static Duration validityFromStart(Duration ttl) {
        Duration drift = Duration.ofNanos((long) (ttl.toNanos() * CLOCK_DRIFT_FACTOR)).plus(CLOCK_DRIFT_FLOOR);
        return ttl.minus(drift);
    }
}
