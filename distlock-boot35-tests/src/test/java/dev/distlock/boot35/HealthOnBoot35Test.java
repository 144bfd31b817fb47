package dev.distlock.boot35;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.autoconfigure.boot3.Boot3DistributedLockHealthContributorAutoConfiguration;
import dev.distlock.autoconfigure.boot3.Boot3DistributedLockHealthIndicator;

/**
 * The {@code distlock} health contributor in Spring Boot 3.5's health types. That Boot 4's stays
 * inactive here shows in the application tests (the sample's ActuatorTest, RedisBackendOnBoot35IT).
 */
class HealthOnBoot35Test {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class,
                    HealthContributorAutoConfiguration.class, Boot3DistributedLockHealthContributorAutoConfiguration.class))
            .withPropertyValues("distlock.backend=in-memory");

    @Test
    void distlockIsUpWithItsBackendAndHowItWasChosen() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBeansOfType(HealthIndicator.class)).containsOnlyKeys("distlockHealthIndicator", "pingHealthContributor");
            assertThat(context.getBean("distlockHealthIndicator")).isInstanceOf(Boot3DistributedLockHealthIndicator.class);
            var health = context.getBean(Boot3DistributedLockHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("backend", "in-memory")
                    .containsEntry("selection", "explicit: distlock.backend=in-memory");
        });
    }

    @Test
    void canBeTurnedOffLikeBootsOwn() {
        runner.withPropertyValues("management.health.distlock.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(Boot3DistributedLockHealthIndicator.class));
    }
}
