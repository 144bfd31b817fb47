package dev.distlock.autoconfigure.actuate;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.testsupport.EtcdServerFixture;
import dev.distlock.testsupport.LocalServerProcess;
import dev.distlock.testsupport.RedisServerFixture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The health contributor {@code distlock} as an operator sees it, against a real store that dies
 * (kill -9) and comes back on the same port: UP, then DOWN with a reason within
 * {@code distlock.health.timeout}, then UP again without restarting the application.
 */
class HealthOfStoppedBackendIT {

    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(1);
    /** Scheduling slack on a busy machine on top of the timeout the indicator itself keeps. */
    private static final Duration DOWN_BOUND = HEALTH_TIMEOUT.plusSeconds(1);
    /** The first connection, and the client's reconnection after a restart (both back off). */
    private static final Duration UP_BOUND = Duration.ofSeconds(30);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class,
                    DistributedLockHealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class))
            .withPropertyValues("distlock.health.timeout=" + HEALTH_TIMEOUT.toMillis() + "ms");

    @Test
    void etcdKilledMakesDistlockDownAndRestartedMakesItUpAgain() {
        try (EtcdServerFixture etcd = EtcdServerFixture.start()) {
            runner.withPropertyValues("distlock.backend=etcd", "distlock.etcd.endpoints=" + etcd.clientUrl(),
                    "distlock.etcd.request-timeout=1s").run(context -> {
                        LocalServerProcess server = etcd.process();
                        downWhileKilledAndUpAfterRestart(context, "etcd", server::kill, server::restart);
                    });
        }
    }

    @Test
    void redisKilledMakesDistlockDownAndRestartedMakesItUpAgain() {
        try (RedisServerFixture redis = RedisServerFixture.start()) {
            runner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
                    .withPropertyValues("distlock.backend=redis", "spring.data.redis.host=" + redis.host(),
                            "spring.data.redis.port=" + redis.port(), "distlock.redis.operation-timeout=1s")
                    .run(context -> downWhileKilledAndUpAfterRestart(context, "redis", redis::kill, redis::restart));
        }
    }

    private static void downWhileKilledAndUpAfterRestart(ApplicationContext context, String backend, Runnable kill,
            Runnable restart) {
        HealthIndicator distlock = (HealthIndicator) context.getBean(HealthContributorRegistry.class).getContributor("distlock");
        assertThat(distlock).as("the contributor registered as distlock").isNotNull();

        Health up = await("UP once connected").atMost(UP_BOUND).until(distlock::health, health -> health.getStatus() == Status.UP);
        assertThat(up.getDetails()).containsEntry("backend", backend);

        kill.run();
        // Awaitility also fails when one health() call blocks past the bound.
        Health down = await("DOWN after kill -9").atMost(DOWN_BOUND).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                .until(distlock::health, health -> health.getStatus() == Status.DOWN);
        assertThat(down.getDetails()).containsEntry("backend", backend);
        assertThat(down.getDetails().get("reason")).asString().isNotBlank();

        restart.run();
        Health upAgain = await("UP after restart").atMost(UP_BOUND).until(distlock::health,
                health -> health.getStatus() == Status.UP);
        assertThat(upAgain.getDetails()).containsEntry("backend", backend).doesNotContainKey("reason");
    }
}
