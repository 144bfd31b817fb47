package dev.distlock.autoconfigure.actuate;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.autoconfigure.DistributedLockProperties;
import dev.distlock.autoconfigure.inmemory.InMemoryLockSelection;
import dev.distlock.engine.LockEngine;

/**
 * The health contributor {@code distlock} (bean {@code distlockHealthIndicator}) on Spring Boot 4, when
 * spring-boot-health is present; {@code management.health.distlock.enabled=false} turns it off. On
 * Spring Boot 3.5, whose health types live elsewhere, distlock-autoconfigure-boot3 defines the same bean.
 */
@AutoConfiguration(after = DistributedLockAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
public final class DistributedLockHealthContributorAutoConfiguration {

    /**
     * Nested, because Spring instantiates every condition of a class before evaluating any: the
     * health module's own condition may be named only where its classes are known to be present.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean({LockEngine.class, DistributedLockProperties.class})
    @ConditionalOnEnabledHealthIndicator("distlock")
    static class HealthContributorConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "distlockHealthIndicator")
        DistributedLockHealthIndicator distlockHealthIndicator(LockEngine lockEngine, DistributedLockProperties properties,
                                                               ObjectProvider<InMemoryLockSelection> inMemorySelection) {
            return new DistributedLockHealthIndicator(LockBackendHealthCheck.of(lockEngine, properties, inMemorySelection));
        }
    }
}
