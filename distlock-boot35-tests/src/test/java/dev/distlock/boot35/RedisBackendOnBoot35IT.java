package dev.distlock.boot35;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.distlock.DistributedLocks;
import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.redis.RedisLockBackend;
import dev.distlock.testsupport.RedisServerFixture;

/** A Boot 3.5 application with spring-boot-starter-data-redis and distlock-redis, on a real redis-server. */
class RedisBackendOnBoot35IT {

    private static RedisServerFixture server;

    private final ApplicationContextRunner boot35Redis = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RedisAutoConfiguration.class, DistributedLockAutoConfiguration.class))
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
    void redisNamedByPropertyLocksInRedis() {
        boot35Redis.withPropertyValues("distlock.backend=redis").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(RedisLockBackend.class);
            Optional<Lease> lease = context.getBean(DistributedLocks.class)
                    .tryAcquire("orders:42", LockOptions.of(Duration.ofSeconds(30), Duration.ZERO));
            assertThat(lease).isPresent();
            StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
            assertThat(redis.opsForHash().get("{lock:distlock:orders:42}", "token"))
                    .isEqualTo(Long.toString(lease.get().fencingToken()));
            lease.get().close();
            assertThat(redis.hasKey("{lock:distlock:orders:42}")).isFalse();
        });
    }

    /** Every auto-configuration of the class path, in Boot 3.5's order: distlock's must come after Redis's. */
    @Test
    void applicationWithEveryAutoConfigurationStartsOnTheRedisBackend() {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
                .web(WebApplicationType.NONE)
                .run("--distlock.backend=redis", "--spring.data.redis.host=127.0.0.1",
                        "--spring.data.redis.port=" + server.port(), "--spring.datasource.url=jdbc:h2:mem:redis35")) {
            assertThat(context.getBean(DistributedLocks.class).runIfAcquired("report",
                    LockOptions.of(Duration.ofSeconds(30), Duration.ZERO), () -> { })).isTrue();
            assertThat(context.getBeansOfType(RedisLockBackend.class)).hasSize(1);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Application {
    }
}
