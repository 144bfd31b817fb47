package dev.distlock.redis;

import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on what {@link RedisEvictionPolicy#read} found: at start-up, fails or warns as the
 * application chose; later (health checks), warns once whenever the policy changes to one that
 * may evict, so that a CONFIG SET after start-up does not go unnoticed either.
 */
final class EvictionPolicyGuard {

    private static final Logger log = LoggerFactory.getLogger(EvictionPolicyGuard.class);

    static final String ACTION = "Set maxmemory-policy to noeviction on the Redis server (redis.conf, "
            + "CONFIG SET maxmemory-policy noeviction, or the managed service's parameter group), "
            + "or set distlock.redis.eviction-policy-check=warn to accept the risk.";

    private volatile RedisEvictionPolicy lastWarned;

    /** Fails with {@link RedisEvictionPolicyException} under {@link EvictionPolicyCheck#FAIL}, else warns. */
    void atStartUp(RedisEvictionPolicy policy, EvictionPolicyCheck check) {
        if (!policy.known()) {
            // Nothing to act on: refusing to start because a managed Redis hides its configuration would be worse.
            log.warn("Could not read Redis's maxmemory-policy ({}); distlock needs noeviction: under allkeys-* Redis "
                    + "may evict fence counters (tokens restart at 1), under volatile-* held locks", policy.source());
            return;
        }
        if (policy.evictsNothing()) {
            if (!RedisEvictionPolicy.NOEVICTION.equals(policy.policy())) {
                log.info("Redis's maxmemory-policy is {} but maxmemory is 0 (no limit), so nothing is evicted now; "
                        + "setting a limit would make it unsafe for locks: {}", policy.policy(), policy.consequence());
            }
            return;
        }
        String description = describe(policy);
        if (check == EvictionPolicyCheck.FAIL) {
            throw new RedisEvictionPolicyException(description, ACTION);
        }
        lastWarned = policy;
        log.warn("{} Accepted through distlock.redis.eviction-policy-check=warn; {}", description,
                "set maxmemory-policy noeviction to remove the risk.");
    }

    /** From health: a WARN when the policy is seen to evict and differs from the last one warned about. */
    void seen(RedisEvictionPolicy policy) {
        if (!policy.known() || policy.evictsNothing()) {
            return;
        }
        RedisEvictionPolicy previous = lastWarned;
        if (previous != null && Objects.equals(previous.policy(), policy.policy())
                && previous.maxmemory() == policy.maxmemory()) {
            return;
        }
        lastWarned = policy;
        log.warn("{} Set maxmemory-policy noeviction.", describe(policy));
    }

    static String describe(RedisEvictionPolicy policy) {
        return "Redis's maxmemory-policy is " + policy.policy() + " with maxmemory " + policy.maxmemory()
                + " bytes (read by " + policy.source() + "): " + policy.consequence() + ".";
    }
}
