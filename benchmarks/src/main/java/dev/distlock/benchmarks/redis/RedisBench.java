package dev.distlock.benchmarks.redis;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.provider.redis.spring.RedisLockProvider;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.integration.redis.util.RedisLockRegistry;

import dev.distlock.benchmarks.support.BackendBench;
import dev.distlock.benchmarks.support.DistlockAnnotationClient;
import dev.distlock.benchmarks.support.DistlockApiClient;
import dev.distlock.benchmarks.support.LockClient;
import dev.distlock.redis.RedisLockBackend;
import dev.distlock.testsupport.RedisServerFixture;

/**
 * A redis-server of its own and the Redis clients compared on it. Every client gets its own
 * connections; all use a 30 s lease.
 */
final class RedisBench implements BackendBench {

    static final Duration LEASE = Duration.ofSeconds(30);

    private final RedisServerFixture server = RedisServerFixture.start();

    @Override
    public LockClient client(String impl) {
        return switch (impl) {
            case "floor" -> new Floor(server.uri());
            case "distlock-api" -> new DistlockApiClient(new RedisLockBackend(connectionFactory()));
            case "distlock-annotation" -> new DistlockAnnotationClient(new RedisLockBackend(connectionFactory()));
            case "redisson" -> redisson();
            case "spring-integration" -> springIntegration();
            case "shedlock" -> shedLock();
            default -> throw new IllegalArgumentException("No Redis client named " + impl);
        };
    }

    @Override
    public void close() {
        server.close();
    }

    private LettuceConnectionFactory connectionFactory() {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(server.host(), server.port()));
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }

    /** Redisson's RLock: lock() without a lease time, so its watchdog renews, as distlock's auto-renewal does. */
    private LockClient redisson() {
        Config config = new Config();
        config.useSingleServer().setAddress(server.uri());
        RedissonClient redisson = Redisson.create(config);
        return LockClient.ofLocks(redisson::getLock, redisson::shutdown);
    }

    /** Spring Integration's RedisLockRegistry with its defaults (spin lock, 100 ms between tries). */
    private LockClient springIntegration() {
        LettuceConnectionFactory factory = connectionFactory();
        RedisLockRegistry registry = new RedisLockRegistry(factory, "bench", LEASE);
        return LockClient.ofLocks(registry::obtain, () -> {
            registry.destroy();
            factory.destroy();
        });
    }

    /** ShedLock's Redis provider: try once, no waiting (it is made for scheduled jobs). */
    private LockClient shedLock() {
        LettuceConnectionFactory factory = connectionFactory();
        RedisLockProvider provider = new RedisLockProvider(factory, "bench");
        return new LockClient() {
            @Override
            public Held acquire(String key) {
                Optional<SimpleLock> lock = provider.lock(
                        new LockConfiguration(java.time.Instant.now(), key, LEASE, Duration.ZERO));
                return lock.orElseThrow(() -> new NotGranted(key))::unlock;
            }

            @Override
            public void close() {
                factory.destroy();
            }
        };
    }

    /**
     * The floor: two round trips with Lettuce. SET key owner NX PX lease to acquire; to release, a
     * compare-and-delete script (by its SHA) so that only the owner frees the key.
     */
    static final class Floor implements LockClient {

        /** KEYS[1] lock key; ARGV[1] owner. Returns 1 when the owner's key was deleted, else 0. */
        static final String COMPARE_AND_DELETE = """
                if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
                return 0
                """;

        private final RedisClient redis;
        private final StatefulRedisConnection<String, String> connection;
        private final RedisCommands<String, String> commands;
        private final String owner = UUID.randomUUID().toString();
        private final String compareAndDelete;
        private final SetArgs setArgs = SetArgs.Builder.nx().px(LEASE.toMillis());

        Floor(String uri) {
            redis = RedisClient.create(uri);
            connection = redis.connect();
            commands = connection.sync();
            compareAndDelete = commands.scriptLoad(COMPARE_AND_DELETE);
        }

        @Override
        public Held acquire(String key) {
            if (commands.set(key, owner, setArgs) == null) {
                throw new NotGranted(key);
            }
            return () -> commands.evalsha(compareAndDelete, ScriptOutputType.INTEGER, new String[] {key}, owner);
        }

        @Override
        public void close() {
            connection.close();
            redis.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
