package dev.distlock.redis.safety;

import java.time.Duration;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.distlock.redis.RedisLockBackend;
import dev.distlock.redis.RedlockLockBackend;
import dev.distlock.redis.RedlockSettings;
import dev.distlock.spi.LockBackend;
import dev.distlock.testsupport.safety.BackendSpec;
import dev.distlock.testsupport.safety.SafetyBackendFactory;

/**
 * Builds the Redis backends in a safety client JVM.
 * <ul>
 *   <li>{@code redis}: single mode on a Lettuce connection factory, as Spring Boot builds it from
 *       {@code spring.data.redis.*}; values {@code host}, {@code port}, {@code timeout} (the
 *       command timeout, {@code spring.data.redis.timeout});</li>
 *   <li>{@code redlock}: values {@code nodes} (comma-separated redis:// URIs), {@code nodeTimeout}.</li>
 * </ul>
 */
public final class RedisSafetyBackends implements SafetyBackendFactory {

    @Override
    public LockBackend create(BackendSpec spec) {
        return switch (spec.type()) {
            case "redis" -> single(spec);
            case "redlock" -> new RedlockLockBackend(RedlockSettings.of(spec.list("nodes"))
                    .withNodeTimeout(Duration.parse(spec.valueOr("nodeTimeout", "PT0.1S"))));
            default -> throw new IllegalArgumentException("Not a Redis backend: " + spec);
        };
    }

    private static LockBackend single(BackendSpec spec) {
        LettuceClientConfiguration client = LettuceClientConfiguration.builder()
                .commandTimeout(Duration.parse(spec.value("timeout")))
                .build();
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(spec.value("host"), Integer.parseInt(spec.value("port"))), client);
        factory.afterPropertiesSet();
        factory.start();
        return new RedisLockBackend(factory);
    }
}
