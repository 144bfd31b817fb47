package dev.distlock.redis;

import dev.distlock.spi.LockBackendException;

/**
 * Redis may evict distlock's keys and the application asked to refuse that at start-up
 * ({@link EvictionPolicyCheck#FAIL}). Carries what is wrong and what to change, for the start-up
 * failure analysis.
 */
public class RedisEvictionPolicyException extends LockBackendException {

    private final String description;
    private final String action;

    RedisEvictionPolicyException(String description, String action) {
        super(description + " " + action);
        this.description = description;
        this.action = action;
    }

    /** What is wrong: the policy, the limit and what eviction would do to locks. */
    public String description() {
        return description;
    }

    /** What to change. */
    public String action() {
        return action;
    }
}
