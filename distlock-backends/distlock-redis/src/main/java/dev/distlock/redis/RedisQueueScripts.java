package dev.distlock.redis;

import org.springframework.data.redis.core.script.RedisScript;

/**
 * The Lua scripts of the single-node backend's fair queue and release waking, one round trip
 * each: a fair grant, a release that wakes the backends waiting for the key, a withdrawal, the
 * registration of a waiting backend's interest and the keep-alive of a queue entry. The grant,
 * renew and release that Redlock shares are in {@link RedisLockScripts}; the same rules hold (all
 * KEYS of one script from one {@link RedisKeyLayout}, effect replication before a clock read).
 */
final class RedisQueueScripts {

    private RedisQueueScripts() {
    }

    /**
     * Lua functions {@code server_ms()} (the server's clock) and {@code wake(waiters, queue,
     * deadlines, suffix, key, now)}: drops dead interests from the waiter set and, when a backend
     * still waits, publishes {@code <byte length of head>:<head><key>} to each waiting backend: a
     * member {@code P:<channel>} by PUBLISH on that channel, a member {@code S:<channel>} by
     * SPUBLISH (sharded, Redis 7) on that channel + {@code suffix}, the tag of the key's slot.
     * {@code head} is the first live owner of the fair queue (dead entries dropped first), so that
     * only it retries; empty when there is no queue: every waiter of the key retries. Nothing is
     * published when nobody waits. Callers switch to effect replication first.
     */
    private static final String WAKE_FUNCTIONS = """
            local function server_ms()
              local time = redis.call('TIME')
              return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            end
            local function wake(waiters, queue, deadlines, suffix, key, now)
              redis.call('ZREMRANGEBYSCORE', waiters, '-inf', now)
              local subscribers = redis.call('ZRANGE', waiters, 0, -1)
              if #subscribers == 0 then return end
              local head = ''
              while true do
                local first = redis.call('ZRANGE', queue, 0, 0)
                if #first == 0 then break end
                local deadline = redis.call('ZSCORE', deadlines, first[1])
                if deadline and tonumber(deadline) > now then
                  head = first[1]
                  break
                end
                redis.call('ZREM', queue, first[1])
                redis.call('ZREM', deadlines, first[1])
              end
              local message = string.len(head) .. ':' .. head .. key
              for _, subscriber in ipairs(subscribers) do
                if string.sub(subscriber, 1, 2) == 'S:' then
                  redis.call('SPUBLISH', string.sub(subscriber, 3) .. suffix, message)
                else
                  redis.call('PUBLISH', string.sub(subscriber, 3), message)
                end
              end
            end
            """;

    /**
     * KEYS[1] lock hash, KEYS[2] fence counter, KEYS[3] replaced counter, KEYS[4] queue (score =
     * arrival number), KEYS[5] queue deadlines (score = server ms when the entry dies), KEYS[6]
     * waiter set; ARGV[1] owner, ARGV[2] lease ms, ARGV[3] queue entry lifetime ms, ARGV[4] sharded
     * channel suffix (see wake), ARGV[5] the lock key.
     * Drops dead entries (deadline passed) from the head of the queue, enqueues the owner if it is
     * not queued yet (keeping its place otherwise) and refreshes its deadline. Grants only when the
     * lock is free and the owner is first in line. Returns {1, token} or {0, pttl} as ACQUIRE
     * (pttl -2 when the lock is free but someone else is first). When it dropped dead entries from
     * a free lock, wakes the new first in line.
     */
    static final String FAIR_ACQUIRE_LUA = RedisLockScripts.GRANT_FUNCTIONS + WAKE_FUNCTIONS + """
            local holder = redis.call('HGET', KEYS[1], 'owner')
            if holder == ARGV[1] then
              return grant_again(KEYS[1], ARGV[2])
            end
            if redis.replicate_commands then redis.replicate_commands() end
            local now = server_ms()
            local pruned = false
            while true do
              local head = redis.call('ZRANGE', KEYS[4], 0, 0)
              if #head == 0 then break end
              local deadline = redis.call('ZSCORE', KEYS[5], head[1])
              if deadline and tonumber(deadline) > now then break end
              redis.call('ZREM', KEYS[4], head[1])
              redis.call('ZREM', KEYS[5], head[1])
              pruned = true
            end
            if not redis.call('ZSCORE', KEYS[4], ARGV[1]) then
              local last = redis.call('ZRANGE', KEYS[4], -1, -1, 'WITHSCORES')
              local arrival = 1
              if #last > 0 then arrival = tonumber(last[2]) + 1 end
              redis.call('ZADD', KEYS[4], arrival, ARGV[1])
            end
            redis.call('ZADD', KEYS[5], now + tonumber(ARGV[3]), ARGV[1])
            local first = redis.call('ZRANGE', KEYS[4], 0, 0)[1]
            if not holder and first == ARGV[1] then
              redis.call('ZREM', KEYS[4], ARGV[1])
              redis.call('ZREM', KEYS[5], ARGV[1])
              redis.call('PEXPIRE', KEYS[4], ARGV[3])
              redis.call('PEXPIRE', KEYS[5], ARGV[3])
              return grant(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2])
            end
            redis.call('PEXPIRE', KEYS[4], ARGV[3])
            redis.call('PEXPIRE', KEYS[5], ARGV[3])
            if pruned and not holder then
              wake(KEYS[6], KEYS[4], KEYS[5], ARGV[4], ARGV[5], now)
            end
            return {0, redis.call('PTTL', KEYS[1])}
            """;

    /**
     * Single node. KEYS[1] lock hash, KEYS[2] waiter set, KEYS[3] queue, KEYS[4] queue deadlines;
     * ARGV[1] owner, ARGV[2] sharded channel suffix (see wake), ARGV[3] the lock key.
     * Returns 1 when the owner held the key: it is deleted and its waiters are woken (only the backends
     * that wait for it, only the first in line of a fair queue); 0 when the owner did not hold it.
     * Without a waiter set nobody waits: the key is deleted without reading the clock, as the
     * uncontended release is most releases.
     */
    static final String RELEASE_AND_WAKE_LUA = WAKE_FUNCTIONS + """
            if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then
              return 0
            end
            if redis.call('EXISTS', KEYS[2]) == 0 then
              redis.call('DEL', KEYS[1])
              return 1
            end
            if redis.replicate_commands then redis.replicate_commands() end
            redis.call('DEL', KEYS[1])
            wake(KEYS[2], KEYS[3], KEYS[4], ARGV[2], ARGV[3], server_ms())
            return 1
            """;

    /**
     * KEYS[1] queue, KEYS[2] queue deadlines, KEYS[3] waiter set, KEYS[4] lock hash; ARGV[1] owner,
     * ARGV[2] sharded channel suffix (see wake), ARGV[3] the lock key. Removes the owner from the fair queue.
     * Returns 1 when it was queued (and, the lock being free, wakes the next in line, who may now
     * be first), 0 when it was not.
     */
    static final String WITHDRAW_LUA = WAKE_FUNCTIONS + """
            local removed = redis.call('ZREM', KEYS[1], ARGV[1])
            if removed == 0 then
              return 0
            end
            if redis.replicate_commands then redis.replicate_commands() end
            redis.call('ZREM', KEYS[2], ARGV[1])
            if redis.call('EXISTS', KEYS[4]) == 0 then
              wake(KEYS[3], KEYS[1], KEYS[2], ARGV[2], ARGV[3], server_ms())
            end
            return 1
            """;

    /**
     * KEYS[1] waiter set; ARGV[1] the backend's release channel as wake reads it ({@code P:} or
     * {@code S:} and the channel), ARGV[2] lifetime ms. Records (or refreshes) that this backend
     * waits for the key, until ARGV[2] ms from now: a release of the
     * key publishes to it meanwhile. The set lives as long as its longest-lived entry. Returns 1.
     */
    static final String AWAIT_RELEASE_LUA = """
            if redis.replicate_commands then redis.replicate_commands() end
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
            if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            return 1
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

    /** {@link #AWAIT_RELEASE_LUA}: 1. */
    static final RedisScript<Long> AWAIT_RELEASE = RedisScript.of(AWAIT_RELEASE_LUA, Long.class);
}
