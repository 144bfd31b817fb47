package dev.distlock.autoconfigure.boot3;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.autoconfigure.DistributedLockProperties;
import dev.distlock.autoconfigure.actuate.LockBackendHealthCheck;
import dev.distlock.autoconfigure.inmemory.InMemoryLockSelection;
import dev.distlock.engine.LockEngine;

/**
 * The health contributor {@code distlock} (bean {@code distlockHealthIndicator}) on Spring Boot 3.5,
 * when spring-boot-actuator is present; {@code management.health.distlock.enabled=false} turns it
 * off. On Spring Boot 4 these classes are absent, and distlock-autoconfigure's own health
 * auto-configuration defines the bean instead.
 */
@AutoConfiguration(after = DistributedLockAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
public final class Boot3DistributedLockHealthContributorAutoConfiguration {

    /** Nested, so that Actuator's condition is instantiated only where its classes are known to be present. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean({LockEngine.class, DistributedLockProperties.class})
    @ConditionalOnEnabledHealthIndicator("distlock")
    static class HealthContributorConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "distlockHealthIndicator")
        Boot3DistributedLockHealthIndicator distlockHealthIndicator(LockEngine lockEngine, DistributedLockProperties properties,
                                                                    ObjectProvider<InMemoryLockSelection> inMemorySelection) {
            return new Boot3DistributedLockHealthIndicator(LockBackendHealthCheck.of(lockEngine, properties, inMemorySelection));
        }
    }
}
