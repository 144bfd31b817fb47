package dev.distlock.redis;

import java.util.List;

import org.springframework.data.redis.core.script.RedisScript;

/**
 * The Lua scripts behind the Redis backends, one round trip each. Redis runs a script atomically,
 * so every owner check and the fencing counter are decided on the server. Single-node mode calls
 * them through spring-data-redis (EVALSHA, EVAL on NOSCRIPT); Redlock mode sends the same text to
 * every node through {@link LettuceScript}.
 *
 * <p>All KEYS of one script come from one {@link RedisKeyLayout} and share its hash tag. Every
 * script that reads the clock ({@code TIME}) switches to effect replication first, which Redis 7
 * does anyway and Redis 5/6 need before a write.
 */
final class RedisLockScripts {

    private RedisLockScripts() {
    }

    /**
     * KEYS[1] lock hash, KEYS[2] fence counter; ARGV[1] owner, ARGV[2] lease ms.
     * Returns {1, token} when granted (a new token from INCR of the counter; the owner's existing
     * token when it already holds the key, whose lease is then reset to ARGV[2]), or {0, pttl}
     * when another owner holds it, pttl being the holder's remaining lease in ms.
     */
    static final String ACQUIRE_LUA = """
            local holder = redis.call('HGET', KEYS[1], 'owner')
            if holder == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return {1, tonumber(redis.call('HGET', KEYS[1], 'token'))}
            end
            if holder then
              return {0, redis.call('PTTL', KEYS[1])}
            end
            local token = redis.call('INCR', KEYS[2])
            redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'token', token)
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return {1, token}
            """;

    /**
     * KEYS[1] lock hash, KEYS[2] fence counter, KEYS[3] queue (score = arrival number),
     * KEYS[4] queue deadlines (score = server ms when the entry dies); ARGV[1] owner, ARGV[2] lease
     * ms, ARGV[3] queue entry lifetime ms, ARGV[4] release channel, ARGV[5] the lock key (message).
     * Drops dead entries (deadline passed) from the head of the queue, enqueues the owner if it is
     * not queued yet (keeping its place otherwise) and refreshes its deadline. Grants only when the
     * lock is free and the owner is first in line. Returns {1, token} or {0, pttl} as ACQUIRE
     * (pttl -2 when the lock is free but someone else is first). Publishes the key when it dropped
     * dead entries from a free lock, so that the new first in line wakes up.
     */
    static final String FAIR_ACQUIRE_LUA = """
            local holder = redis.call('HGET', KEYS[1], 'owner')
            if holder == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return {1, tonumber(redis.call('HGET', KEYS[1], 'token'))}
            end
            if redis.replicate_commands then redis.replicate_commands() end
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            local pruned = false
            while true do
              local head = redis.call('ZRANGE', KEYS[3], 0, 0)
              if #head == 0 then break end
              local deadline = redis.call('ZSCORE', KEYS[4], head[1])
              if deadline and tonumber(deadline) > now then break end
              redis.call('ZREM', KEYS[3], head[1])
              redis.call('ZREM', KEYS[4], head[1])
              pruned = true
            end
            if not redis.call('ZSCORE', KEYS[3], ARGV[1]) then
              local last = redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')
              local arrival = 1
              if #last > 0 then arrival = tonumber(last[2]) + 1 end
              redis.call('ZADD', KEYS[3], arrival, ARGV[1])
            end
            redis.call('ZADD', KEYS[4], now + tonumber(ARGV[3]), ARGV[1])
            local first = redis.call('ZRANGE', KEYS[3], 0, 0)[1]
            if not holder and first == ARGV[1] then
              redis.call('ZREM', KEYS[3], ARGV[1])
              redis.call('ZREM', KEYS[4], ARGV[1])
              redis.call('PEXPIRE', KEYS[3], ARGV[3])
              redis.call('PEXPIRE', KEYS[4], ARGV[3])
              local token = redis.call('INCR', KEYS[2])
              redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'token', token)
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return {1, token}
            end
            redis.call('PEXPIRE', KEYS[3], ARGV[3])
            redis.call('PEXPIRE', KEYS[4], ARGV[3])
            if pruned and not holder then
              redis.call('PUBLISH', ARGV[4], ARGV[5])
            end
            return {0, redis.call('PTTL', KEYS[1])}
            """;

    /**
     * KEYS[1] lock hash; ARGV[1] owner, ARGV[2] lease ms.
     * Returns 1 when the owner holds the key and its lease now ends ARGV[2] ms from now, 0 when it
     * does not hold it (expired or taken by another owner); then nothing changes.
     */
    static final String RENEW_LUA = """
            if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return 1
            end
            return 0
            """;

    /**
     * KEYS[1] lock hash; ARGV[1] owner, ARGV[2] release channel, ARGV[3] the lock key (message).
     * Returns 1 when the owner held the key: it is deleted (the fence counter stays) and the key
     * is published on the channel to wake waiters; 0 when the owner did not hold it.
     */
    static final String RELEASE_LUA = """
            if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] then
              redis.call('DEL', KEYS[1])
              redis.call('PUBLISH', ARGV[2], ARGV[3])
              return 1
            end
            return 0
            """;

    /**
     * KEYS[1] queue, KEYS[2] queue deadlines; ARGV[1] owner, ARGV[2] release channel, ARGV[3] the
     * lock key (message). Removes the owner from the fair queue. Returns 1 when it was queued (and
     * publishes the key, since the next in line may now be first), 0 when it was not.
     */
    static final String WITHDRAW_LUA = """
            local removed = redis.call('ZREM', KEYS[1], ARGV[1])
            redis.call('ZREM', KEYS[2], ARGV[1])
            if removed == 1 then
              redis.call('PUBLISH', ARGV[2], ARGV[3])
            end
            return removed
            """;

    /**
     * KEYS[1] queue, KEYS[2] queue deadlines; ARGV[1] owner, ARGV[2] queue entry lifetime ms.
     * Keeps a live waiter's entry from expiring. Returns 1 when the owner is still queued (its
     * deadline is now ARGV[2] ms away), 0 when its entry is gone (it then re-queues at the back
     * on its next attempt).
     */
    static final String KEEP_QUEUED_LUA = """
            if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
              return 0
            end
            if redis.replicate_commands then redis.replicate_commands() end
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            redis.call('PEXPIRE', KEYS[2], ARGV[2])
            return 1
            """;

    /**
     * Redlock only. KEYS[1] fence counter; ARGV[1] a token granted on a majority.
     * Raises the counter to at least ARGV[1], so that the next grant on any majority, which
     * shares a node with this one, issues a larger token. Returns the counter's value.
     */
    static final String RAISE_FENCE_LUA = """
            local current = tonumber(redis.call('GET', KEYS[1]) or '0')
            local floor = tonumber(ARGV[1])
            if current < floor then
              redis.call('SET', KEYS[1], ARGV[1])
              return floor
            end
            return current
            """;

    /** {@link #ACQUIRE_LUA}: {1, token} or {0, pttl}. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static final RedisScript<List<Long>> ACQUIRE = (RedisScript) RedisScript.of(ACQUIRE_LUA, List.class);

    /** {@link #FAIR_ACQUIRE_LUA}: {1, token} or {0, pttl}. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static final RedisScript<List<Long>> FAIR_ACQUIRE = (RedisScript) RedisScript.of(FAIR_ACQUIRE_LUA, List.class);

    /** {@link #RENEW_LUA}: 1 extended, 0 not held. */
    static final RedisScript<Long> RENEW = RedisScript.of(RENEW_LUA, Long.class);

    /** {@link #RELEASE_LUA}: 1 released, 0 not held. */
    static final RedisScript<Long> RELEASE = RedisScript.of(RELEASE_LUA, Long.class);

    /** {@link #WITHDRAW_LUA}: 1 removed from the queue, 0 was not queued. */
    static final RedisScript<Long> WITHDRAW = RedisScript.of(WITHDRAW_LUA, Long.class);

    /** {@link #KEEP_QUEUED_LUA}: 1 still queued, 0 gone. */
    static final RedisScript<Long> KEEP_QUEUED = RedisScript.of(KEEP_QUEUED_LUA, Long.class);
}
