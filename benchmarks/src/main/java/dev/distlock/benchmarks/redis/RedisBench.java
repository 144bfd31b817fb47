package dev.distlock.benchmarks.redis;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

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
 * A redis-server of its own (or, in another JVM, the one a bench started: {@link #attach}) and the
 * Redis clients compared on it. Every client gets its own connections; all use a 30 s lease.
 */
public final class RedisBench implements BackendBench {

    static final Duration LEASE = Duration.ofSeconds(30);

    /** The server this bench started and stops, or null when attached to another JVM's. */
    private final RedisServerFixture server;
    private final String host;
    private final int port;

    /** Starts a redis-server of its own. */
    public RedisBench() {
        this(RedisServerFixture.start());
    }

    private RedisBench(RedisServerFixture server) {
        this(server, server.host(), server.port());
    }

    private RedisBench(RedisServerFixture server, String host, int port) {
        this.server = server;
        this.host = host;
        this.port = port;
    }

    /** The server another bench started, as {@link #connection()} named it; closing leaves it running. */
    public static RedisBench attach(List<String> connection) {
        return new RedisBench(null, connection.get(0), Integer.parseInt(connection.get(1)));
    }

    @Override
    public List<String> connection() {
        return List.of(host, Integer.toString(port));
    }

    /** The redis-server's address, for store-side counters (INFO commandstats). */
    public String uri() {
        return "redis://" + host + ":" + port;
    }

    @Override
    public LockClient client(String impl) {
        return switch (impl) {
            case "floor" -> RedisFloors.plain(uri());
            case "floor-fenced" -> RedisFloors.fenced(uri());
            case "floor-waiting" -> RedisFloors.waiting(uri());
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
        if (server != null) {
            server.close();
        }
    }

    private LettuceConnectionFactory connectionFactory() {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(host, port));
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }

    /** Redisson's RLock: lock() without a lease time, so its watchdog renews, as distlock's auto-renewal does. */
    private LockClient redisson() {
        Config config = new Config();
        config.useSingleServer().setAddress(uri());
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
}
