package dev.distlock.redis;

/**
 * What start-up does when Redis may evict distlock's keys (any {@code maxmemory-policy} but
 * {@code noeviction} with a {@code maxmemory} limit set); see {@link RedisEvictionPolicy}.
 */
public enum EvictionPolicyCheck {

    /** Start-up fails naming the policy, what eviction would do to locks, and the fix. */
    FAIL,

    /** Start-up logs a WARN naming the policy and the consequence, and goes on. */
    WARN
}
