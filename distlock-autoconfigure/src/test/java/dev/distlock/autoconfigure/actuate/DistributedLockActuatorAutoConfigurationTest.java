package dev.distlock.autoconfigure.actuate;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.web.WebEndpointsSupplier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.engine.LockEngine;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.LockBackend;

import static org.assertj.core.api.Assertions.assertThat;

/** The health contributor and the endpoint: when they exist, under which names, and that nothing breaks without Actuator. */
class DistributedLockActuatorAutoConfigurationTest {

    private static final AutoConfigurations DISTLOCK = AutoConfigurations.of(DistributedLockAutoConfiguration.class,
            DistributedLockHealthContributorAutoConfiguration.class, DistributedLocksEndpointAutoConfiguration.class);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(DISTLOCK)
            .withConfiguration(AutoConfigurations.of(HealthContributorRegistryAutoConfiguration.class, EndpointAutoConfiguration.class))
            .withPropertyValues("distlock.backend=in-memory");

    private final WebApplicationContextRunner webRunner = new WebApplicationContextRunner()
            .withConfiguration(DISTLOCK)
            .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class))
            .withPropertyValues("distlock.backend=in-memory");

    @Test
    void healthContributorIsNamedDistlockAndReportsTheBackend() {
        runner.run(context -> {
            HealthContributorRegistry registry = context.getBean(HealthContributorRegistry.class);
            assertThat(registry.getContributor("distlock")).isInstanceOf(DistributedLockHealthIndicator.class);
            var health = ((HealthIndicator) registry.getContributor("distlock")).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("backend", "in-memory");
        });
    }

    @Test
    void healthReportsDownWithTheReasonOfTheActiveBackend() {
        runner.withUserConfiguration(DownBackend.class).run(context -> {
            var health = context.getBean(DistributedLockHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsEntry("reason", "store unreachable").containsEntry("backend", "stub");
        });
    }

    @Test
    void healthTimeoutIsAProperty() {
        runner.withPropertyValues("distlock.health.timeout=250ms").run(context ->
                assertThat(context.getBean(DistributedLockHealthIndicator.class).timeout())
                        .isEqualTo(java.time.Duration.ofMillis(250)));
    }

    @Test
    void healthContributorCanBeTurnedOffLikeBootsOwn() {
        runner.withPropertyValues("management.health.distlock.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(DistributedLockHealthIndicator.class));
    }

    @Test
    void endpointIsNotExposedByDefaultNeitherOverHttpNorJmx() {
        webRunner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(DistributedLocksEndpoint.class);
            assertThat(webEndpointIds(context.getBean(WebEndpointsSupplier.class))).doesNotContain("distlocks");
        });
    }

    @Test
    void endpointIsExposedOverHttpWhenTheUserIncludesIt() {
        webRunner.withPropertyValues("management.endpoints.web.exposure.include=health,distlocks").run(context -> {
            assertThat(context).hasSingleBean(DistributedLocksEndpoint.class);
            assertThat(webEndpointIds(context.getBean(WebEndpointsSupplier.class))).contains("distlocks");
        });
    }

    @Test
    void endpointHasOnlyAReadOperation() {
        webRunner.withPropertyValues("management.endpoints.web.exposure.include=distlocks").run(context -> {
            var endpoint = context.getBean(WebEndpointsSupplier.class).getEndpoints().stream()
                    .filter(candidate -> candidate.getEndpointId().toString().equals("distlocks")).findFirst().orElseThrow();
            assertThat(endpoint.getOperations()).extracting(operation -> operation.getType().name()).containsExactly("READ");
        });
    }

    @Test
    void withoutSpringBootHealthThereIsNoContributorAndNothingBreaks() {
        new ApplicationContextRunner().withConfiguration(DISTLOCK)
                .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
                .withPropertyValues("distlock.backend=in-memory", "management.endpoints.jmx.exposure.include=*")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(LockEngine.class);
                    assertThat(context).doesNotHaveBean(DistributedLockHealthIndicator.class);
                });
    }

    @Test
    void withoutActuatorThereIsNeitherContributorNorEndpointAndNothingBreaks() {
        new ApplicationContextRunner().withConfiguration(DISTLOCK)
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate", "org.springframework.boot.health"))
                .withPropertyValues("distlock.backend=in-memory")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(LockEngine.class);
                    assertThat(context).doesNotHaveBean(DistributedLockHealthIndicator.class);
                    assertThat(context).doesNotHaveBean(DistributedLocksEndpoint.class);
                });
    }

    @Test
    void disabledDistlockContributesNothing() {
        runner.withPropertyValues("distlock.enabled=false", "management.endpoints.jmx.exposure.include=*").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(DistributedLockHealthIndicator.class);
            assertThat(context).doesNotHaveBean(DistributedLocksEndpoint.class);
        });
    }

    private static java.util.List<String> webEndpointIds(WebEndpointsSupplier endpoints) {
        return endpoints.getEndpoints().stream().map(endpoint -> endpoint.getEndpointId().toString()).toList();
    }

    @Configuration(proxyBeanMethods = false)
    static class DownBackend {
        @Bean
        LockBackend stubBackend() {
            return DistributedLockHealthIndicatorTest.backend(() -> BackendHealth.down("store unreachable", Map.of()));
        }
    }
}
