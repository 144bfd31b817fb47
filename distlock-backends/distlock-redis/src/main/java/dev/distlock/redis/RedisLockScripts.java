package dev.distlock.redis;

/**
 * The Lua scripts that both Redis backends run, one round trip each: grant, renew, release and the
 * fencing counter. The single-node backend's fair queue and release waking are in
 * {@link RedisQueueScripts}.
 * Redis runs a script atomically, so every owner check and the fencing counter are decided on the
 * server. Both modes send them by SHA through {@link LettuceScript} (EVALSHA, EVAL on NOSCRIPT):
 * single-node mode on the connection factory's native Lettuce connection ({@link RedisScriptCalls}),
 * Redlock mode to every node.
 *
 * <p>All KEYS of one script come from one {@link RedisKeyLayout} and hash to one slot. Every
 * script that reads the clock ({@code TIME}) switches to effect replication first, which Redis 7
 * does anyway and Redis 5/6 need before a write.
 */
final class RedisLockScripts {

    private RedisLockScripts() {
    }

    /**
     * The Lua functions of every script that grants, so that a grant is written one way:
     * {@code next_token(counter, replaced)}: INCR of the shared counter, started above
     * {@code replaced}, the key's own counter left by a version before the shared one, which it then
     * deletes; {@code grant(lock, counter, replaced, owner, lease)}: the lock hash now holds
     * {@code owner} with the next token and expires {@code lease} ms from now, returns {1, token};
     * {@code grant_again(lock, lease)}: its holder asked again, the lease is reset and its token
     * returned, {1, token}. Redis 7 and older run them alike (no clock read).
     */
    static final String GRANT_FUNCTIONS = """
            local function next_token(counter, replaced)
              local token = redis.call('INCR', counter)
              local old = tonumber(redis.call('GET', replaced) or '0')
              if old > 0 then
                if old >= token then
                  token = old + 1
                  redis.call('SET', counter, token)
                end
                redis.call('DEL', replaced)
              end
              return token
            end
            local function grant(lock, counter, replaced, owner, lease)
              local token = next_token(counter, replaced)
              redis.call('HSET', lock, 'owner', owner, 'token', token)
              redis.call('PEXPIRE', lock, lease)
              return {1, token}
            end
            local function grant_again(lock, lease)
              redis.call('PEXPIRE', lock, lease)
              return {1, tonumber(redis.call('HGET', lock, 'token'))}
            end
            """;

    /**
     * Single node and Redlock. KEYS[1] lock hash, KEYS[2] fence counter, KEYS[3] the key's replaced
     * counter (see {@link RedisKeyLayout#replacedFence}); ARGV[1] owner, ARGV[2] lease ms.
     * Returns {1, token} when granted (a new token from the counter, larger than every token it
     * issued before and than the replaced counter; the owner's existing token when it already holds
     * the key, whose lease is then reset to ARGV[2]), or {0, pttl} when another owner holds it, pttl
     * being the holder's remaining lease in ms.
     */
    static final String ACQUIRE_LUA = GRANT_FUNCTIONS + """
            local holder = redis.call('HGET', KEYS[1], 'owner')
            if holder == ARGV[1] then
              return grant_again(KEYS[1], ARGV[2])
            end
            if holder then
              return {0, redis.call('PTTL', KEYS[1])}
            end
            return grant(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2])
            """;

    /**
     * Single node, unfair. KEYS[1] lock hash, KEYS[2] fence counter, KEYS[3] replaced counter;
     * ARGV[1] the releasing owner, ARGV[2] the next owner, ARGV[3] the next owner's lease ms.
     * Releases ARGV[1]'s grant and grants the key to ARGV[2] in one step, as a release and then
     * {@link #ACQUIRE_LUA} with nobody in between would: {1, token} with a new token when ARGV[1]
     * held the key or nobody did (ARGV[2]'s existing token when it already holds it), {0, pttl}
     * when another owner holds it. Nobody is woken: the key stays held.
     */
    static final String HAND_OVER_LUA = GRANT_FUNCTIONS + """
            local holder = redis.call('HGET', KEYS[1], 'owner')
            if holder == ARGV[2] then
              return grant_again(KEYS[1], ARGV[3])
            end
            if holder and holder ~= ARGV[1] then
              return {0, redis.call('PTTL', KEYS[1])}
            end
            return grant(KEYS[1], KEYS[2], KEYS[3], ARGV[2], ARGV[3])
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
     * Renewal of many leases in one call. KEYS[i] lock hash of lease i (on a Cluster all of one hash
     * slot); ARGV[2i-1] its owner, ARGV[2i] its lease ms.
     * Returns one answer per key, in KEYS order, each as {@link #RENEW_LUA}'s: 1 when that owner
     * holds that key and its lease now ends ARGV[2i] ms from now, 0 when it does not (nothing changes).
     */
    static final String RENEW_ALL_LUA = """
            local renewed = {}
            for i, key in ipairs(KEYS) do
              if redis.call('HGET', key, 'owner') == ARGV[2 * i - 1] then
                redis.call('PEXPIRE', key, ARGV[2 * i])
                renewed[i] = 1
              else
                renewed[i] = 0
              end
            end
            return renewed
            """;

    /**
     * Redlock. KEYS[1] lock hash; ARGV[1] owner, ARGV[2] release channel, ARGV[3] the lock key (message).
     * Returns 1 when the owner held the key: it is deleted and the key is published on the channel
     * to wake waiters; 0 when the owner did not hold it.
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
     * Redlock only. KEYS[1] the node's fence counter; ARGV[1] a token granted on a majority.
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
}
