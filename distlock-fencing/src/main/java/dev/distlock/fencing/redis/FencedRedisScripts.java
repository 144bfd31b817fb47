package dev.distlock.fencing.redis;

import org.springframework.data.redis.core.script.RedisScript;

/**
 * The one Lua script behind every fenced Redis write: the token check and the write run atomically
 * on the server. Tokens are compared as decimal strings (longer is larger, then character by
 * character), exact for every long: Lua's numbers are doubles, which are not past 2^53.
 */
final class FencedRedisScripts {

    private FencedRedisScripts() {
    }

    private static final String FENCED_WRITE_LUA = """
            local function newer(stored, token)
              if #stored ~= #token then return #stored > #token end
              return stored > token
            end
            local stored = redis.call('GET', KEYS[2])
            if stored and newer(stored, ARGV[1]) then
              return stored
            end
            local ttl = tonumber(ARGV[2])
            local op = ARGV[3]
            if op == 'set' then
              if ttl > 0 then
                redis.call('SET', KEYS[1], ARGV[4], 'PX', ttl)
              else
                redis.call('SET', KEYS[1], ARGV[4])
              end
            elseif op == 'hset' then
              redis.call('HSET', KEYS[1], unpack(ARGV, 4))
            elseif op == 'del' then
              redis.call('DEL', KEYS[1])
            else
              return redis.error_reply('unknown fenced write ' .. op)
            end
            if ttl > 0 then
              redis.call('SET', KEYS[2], ARGV[1], 'PX', ttl)
            else
              redis.call('SET', KEYS[2], ARGV[1])
            end
            return false
            """;

    /**
     * KEYS[1] the value key, KEYS[2] its fence key ({@link FenceKeys}); ARGV[1] the token (decimal,
     * not negative), ARGV[2] a TTL in ms for both keys (0: none, and the fence key loses any TTL),
     * ARGV[3] {@code set} (ARGV[4] the value), {@code hset} (ARGV[4..] field, value, ...) or
     * {@code del}. Writes and stores the token unless the fence key holds a newer one. Returns nil
     * when written, else the stored newer token (a string), and nothing is changed. A delete keeps
     * the fence key: without it, a stale holder could write the key again.
     */
    static final RedisScript<String> FENCED_WRITE = RedisScript.of(FENCED_WRITE_LUA, String.class);
}
