package dev.distlock.redis;

import java.util.Map;
import java.util.Properties;

import org.springframework.data.redis.connection.RedisConnection;
import dev.distlock.spi.support.Causes;

/**
 * What Redis may evict under memory pressure, and what that would do to locks. The fence counter
 * has no expiry and the lock hash has one: under an {@code allkeys-*} policy Redis may evict the
 * counter (tokens restart at 1) or a held lock; under {@code volatile-*}, a held lock (a second
 * client is granted it) or a fair-queue entry. Only {@code noeviction}, or no memory limit
 * ({@code maxmemory 0}), evicts nothing.
 *
 * @param policy    {@code maxmemory-policy}, or {@code unknown} when it could not be read
 * @param maxmemory {@code maxmemory} in bytes, 0 for no limit, -1 when unknown
 * @param source    where the values came from ({@code CONFIG GET}, {@code INFO memory}), or why
 *                  they could not be read
 */
public record RedisEvictionPolicy(String policy, long maxmemory, String source) {

    public static final String NOEVICTION = "noeviction";
    static final String UNKNOWN = "unknown";

    static RedisEvictionPolicy unknown(String why) {
        return new RedisEvictionPolicy(UNKNOWN, -1, why);
    }

    public boolean known() {
        return !UNKNOWN.equals(policy);
    }

    /** True when Redis, as configured now, never evicts a key distlock wrote. */
    public boolean evictsNothing() {
        return known() && (NOEVICTION.equals(policy) || maxmemory == 0);
    }

    /** What eviction can do to locks under this policy, for logs and health. */
    public String consequence() {
        if (!known()) {
            return "unknown: could not read maxmemory-policy (" + source + ")";
        }
        if (NOEVICTION.equals(policy)) {
            return "none (noeviction: at maxmemory Redis refuses writes instead of evicting keys)";
        }
        String evicts;
        if (policy.startsWith("allkeys-")) {
            evicts = "Redis may evict fence counters (fencing tokens restart at 1) and held locks "
                    + "(a second client is granted a held lock)";
        } else if (policy.startsWith("volatile-")) {
            evicts = "Redis may evict held locks, which carry an expiry (a second client is granted a held lock), "
                    + "and fair-queue places";
        } else {
            evicts = "Redis may evict distlock's keys (held locks, fence counters)";
        }
        return maxmemory == 0 ? "none while maxmemory is 0 (no limit); once a limit is set, " + evicts : evicts;
    }

    /**
     * Reads the policy with {@code CONFIG GET maxmemory*}; where CONFIG is renamed, disabled or
     * refused by an ACL (as on several managed services), from {@code INFO memory}. On a Cluster the
     * answers of all nodes are merged, and any node that evicts makes the result evicting.
     */
    static RedisEvictionPolicy read(RedisConnection connection) {
        String configFailure;
        try {
            return fromProperties(connection.serverCommands().getConfig("maxmemory*"),
                    "maxmemory-policy", "maxmemory", "CONFIG GET");
        } catch (RuntimeException e) {
            configFailure = "CONFIG GET failed: " + rootMessage(e);
        }
        try {
            RedisEvictionPolicy fromInfo = fromProperties(connection.serverCommands().info("memory"),
                    "maxmemory_policy", "maxmemory", "INFO memory (" + configFailure + ")");
            return fromInfo;
        } catch (RuntimeException e) {
            return unknown(configFailure + "; INFO memory failed: " + rootMessage(e));
        }
    }

    /** Keys may carry a node prefix on a Cluster ({@code host:port.maxmemory}): matched by suffix. */
    private static RedisEvictionPolicy fromProperties(Properties properties, String policyName, String limitName,
            String source) {
        if (properties == null) {
            throw new IllegalStateException("no reply");
        }
        String policy = null;
        long maxmemory = -1;
        for (Map.Entry<Object, Object> entry : properties.entrySet()) {
            String name = String.valueOf(entry.getKey());
            String value = String.valueOf(entry.getValue()).trim();
            if (named(name, policyName)) {
                if (policy == null || NOEVICTION.equals(policy)) {
                    policy = value;
                }
            } else if (named(name, limitName)) {
                maxmemory = Math.max(maxmemory, Long.parseLong(value));
            }
        }
        if (policy == null || maxmemory < 0) {
            throw new IllegalStateException(policyName + " or " + limitName + " missing from " + properties.keySet());
        }
        return new RedisEvictionPolicy(policy, maxmemory, source);
    }

    private static boolean named(String name, String wanted) {
        return name.equals(wanted) || name.endsWith("." + wanted);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = Causes.root(e);
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }
}
