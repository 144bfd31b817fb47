package dev.distlock.redis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisSerializer;

import io.lettuce.core.ScriptOutputType;

/**
 * Scripts through a spring-data-redis template, for a connection factory that is not Lettuce's
 * (Jedis): the template's script executor sends EVALSHA and EVAL on NOSCRIPT, with the bytes as
 * they are. Calls of {@link #runAll} go one after the other.
 */
final class TemplateScriptCalls implements RedisScriptCalls {

    private final RedisTemplate<byte[], byte[]> template = new RedisTemplate<>();
    private final Map<LettuceScript, RedisScript<?>> scripts = new ConcurrentHashMap<>();

    TemplateScriptCalls(RedisConnectionFactory factory) {
        template.setConnectionFactory(factory);
        template.setKeySerializer(RedisSerializer.byteArray());
        template.setValueSerializer(RedisSerializer.byteArray());
        template.setHashKeySerializer(RedisSerializer.byteArray());
        template.setHashValueSerializer(RedisSerializer.byteArray());
        template.afterPropertiesSet();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T run(String operation, String key, LettuceScript script, byte[][] keys, byte[][] args) {
        RedisScript<T> spring = (RedisScript<T>) scripts.computeIfAbsent(script, TemplateScriptCalls::toSpring);
        return RedisCalls.call(operation, key, () -> template.execute(spring, Arrays.asList(keys), (Object[]) args));
    }

    @Override
    public <T> List<T> runAll(String operation, String what, LettuceScript script, List<byte[][]> keys,
            List<byte[][]> args) {
        List<T> answers = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            answers.add(run(operation, what, script, keys.get(i), args.get(i)));
        }
        return answers;
    }

    private static RedisScript<?> toSpring(LettuceScript script) {
        Class<?> answer = script.outputType() == ScriptOutputType.MULTI ? List.class : Long.class;
        return RedisScript.of(script.lua(), answer);
    }
}
