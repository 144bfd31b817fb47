package dev.distlock.autoconfigure.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.distlock.DistributedLocks;
import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.autoconfigure.BackendModules;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.autoconfigure.backend.LockBackendFailureAnalyzer;
import dev.distlock.engine.LockEngine;
import dev.distlock.inmemory.InMemoryLockBackend;
import dev.distlock.redis.RedisLockBackend;
import dev.distlock.redis.RedlockLockBackend;
import dev.distlock.spi.LockBackend;
import dev.distlock.testsupport.RedisServerFixture;

/** The Redis backend's auto-configuration, on a redis-server started for this class. */
class RedisLockBackendConfigurationIT {

    private static RedisServerFixture server;

    private final ApplicationContextRunner withoutRedis = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class));

    private final ApplicationContextRunner withSpringDataRedis = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, DistributedLockAutoConfiguration.class))
            .withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + server.port());

    @BeforeAll
    static void startServer() {
        server = RedisServerFixture.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void moduleAndSpringDataRedisAloneSelectTheRedisBackendAndLocksLiveInRedis() {
        withSpringDataRedis.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(RedisLockBackend.class);
            assertThat(context.getBean(LockEngine.class).backend()).isInstanceOf(RedisLockBackend.class);
            DistributedLocks locks = context.getBean(DistributedLocks.class);
            Optional<Lease> lease = locks.tryAcquire("orders:42", LockOptions.of(Duration.ofSeconds(30), Duration.ZERO));
            assertThat(lease).isPresent();
            StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
            assertThat(redis.opsForHash().get("{lock:distlock:orders:42}", "token"))
                    .isEqualTo(Long.toString(lease.get().fencingToken()));
            lease.get().close();
            assertThat(redis.hasKey("{lock:distlock:orders:42}")).isFalse();
        });
    }

    @Test
    void explicitBackendAndSettingsAreApplied() {
        withSpringDataRedis.withPropertyValues("distlock.backend=redis", "distlock.redis.release-channel=app:released",
                "distlock.redis.queue-entry-lifetime=3s").run(context -> {
            assertThat(context).hasSingleBean(RedisLockBackend.class);
            RedisLockProperties properties = context.getBean(RedisLockProperties.class);
            assertThat(properties.getReleaseChannel()).isEqualTo("app:released");
            assertThat(properties.getQueueEntryLifetime()).isEqualTo(Duration.ofSeconds(3));
        });
    }

    @Test
    void waitForReplicasAppliesToEveryGrant() {
        // This test's Redis has no replica: a grant that must reach one is released and the attempt fails.
        withSpringDataRedis.withPropertyValues("distlock.redis.wait-for-replicas=1",
                "distlock.redis.wait-for-replicas-timeout=50ms").run(context -> {
            assertThat(context).hasNotFailed();
            DistributedLocks locks = context.getBean(DistributedLocks.class);
            assertThatThrownBy(() -> locks.tryAcquire("replicated", LockOptions.of(Duration.ofSeconds(30), Duration.ZERO)))
                    .hasStackTraceContaining("0 of 1 replicas acknowledged");
            assertThat(context.getBean(StringRedisTemplate.class).hasKey("{lock:distlock:replicated}")).isFalse();
        });
    }

    @Test
    void redlockModeUsesTheListedNodesWithoutAConnectionFactory() {
        withoutRedis.withPropertyValues("distlock.redis.mode=redlock",
                "distlock.redis.nodes[0]=" + server.uri(), "distlock.redis.node-timeout=500ms").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(RedlockLockBackend.class);
            Optional<Lease> lease = context.getBean(DistributedLocks.class)
                    .tryAcquire("redlocked", LockOptions.of(Duration.ofSeconds(30), Duration.ZERO));
            assertThat(lease).isPresent();
            lease.get().close();
        });
    }

    @Test
    void redlockModeWithoutNodesFailsNamingTheProperty() {
        withoutRedis.withPropertyValues("distlock.backend=redis", "distlock.redis.mode=redlock").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new LockBackendFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("distlock.redis.nodes");
        });
    }

    @Test
    void requestedRedisWithoutAConnectionFactoryFailsSayingWhatToAdd() {
        withoutRedis.withPropertyValues("distlock.backend=redis").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new LockBackendFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("RedisConnectionFactory");
            assertThat(analysis.getAction()).contains("spring-boot-starter-data-redis");
        });
    }

    @Test
    void withoutTheModuleTheApplicationFallsBackToInMemory() {
        withSpringDataRedis.withClassLoader(BackendModules.none()).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(InMemoryLockBackend.class);
        });
    }

    @Test
    void anApplicationsOwnLockBackendWins() {
        withSpringDataRedis.withUserConfiguration(OwnBackend.class).run(context -> {
            assertThat(context).hasSingleBean(LockBackend.class);
            assertThat(context.getBean(LockBackend.class)).isInstanceOf(InMemoryLockBackend.class);
        });
    }

    @Test
    void backendClassNameCheckedWithoutLoadingItIsCurrent() {
        assertThat(List.of(RedisLockBackendConfiguration.Candidate.BACKEND_CLASS,
                RedisLockBackendConfiguration.Candidate.CONNECTION_FACTORY_CLASS))
                .containsExactly(RedisLockBackend.class.getName(),
                        org.springframework.data.redis.connection.RedisConnectionFactory.class.getName());
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBackend {
        @Bean
        LockBackend ownBackend() {
            return new InMemoryLockBackend();
        }
    }
}
