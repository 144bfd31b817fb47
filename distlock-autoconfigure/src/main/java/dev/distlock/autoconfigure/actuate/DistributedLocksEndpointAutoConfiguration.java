package dev.distlock.autoconfigure.actuate;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.engine.LockEngine;

/**
 * The {@code distlocks} endpoint, when spring-boot-actuator is present and the endpoint is
 * exposed: by Spring Boot's defaults it is not, over HTTP or JMX, until
 * {@code management.endpoints.web.exposure.include} (or the JMX one) names it.
 */
@AutoConfiguration(after = DistributedLockAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
public final class DistributedLocksEndpointAutoConfiguration {

    /** Nested so that Actuator's condition is instantiated only when Actuator is present. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(LockEngine.class)
    @ConditionalOnAvailableEndpoint(DistributedLocksEndpoint.class)
    static class EndpointConfiguration {

        @Bean
        @ConditionalOnMissingBean
        DistributedLocksEndpoint distributedLocksEndpoint(LockEngine lockEngine) {
            return new DistributedLocksEndpoint(lockEngine);
        }
    }
}
