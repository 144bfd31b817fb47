package dev.distlock.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.autoconfigure.interceptor.LockObservations;
import dev.distlock.autoconfigure.interceptor.ObservedDistributedLocks;
import dev.distlock.engine.LockEngine;
import dev.distlock.spi.LockBackend;

/**
 * distlock's meters when Micrometer and a {@link MeterRegistry} are present, and its observations
 * when an {@link ObservationRegistry} is. Runs after Spring Boot's metrics and observation
 * auto-configurations (named by string, under Spring Boot 4's names and 3.5's: those modules are
 * optional, and a name that is not on the class path is ignored), so that their registries
 * are seen; the engine picks {@link LockMetrics} up as a {@code LockEventListener} bean, and the
 * interceptor looks {@link LockObservations} up on its first call.
 *
 * <p>One set of meters: {@link LockMetrics} records them from the engine's events, whichever way a
 * lock was taken; the observations are for tracing, and {@link LockObservationMeterHandler} keeps
 * Boot's meter handler from deriving timers from them. With observations on, the
 * {@code DistributedLocks} bean is {@link ObservedDistributedLocks}, so that the programmatic API is
 * observed as the annotation is.
 */
@AutoConfiguration(after = DistributedLockAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
        // Spring Boot 3.5
        "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration"})
@ConditionalOnBooleanProperty(name = "distlock.enabled", matchIfMissing = true)
public final class DistributedLockMetricsAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean(MeterRegistry.class)
    static class MeterConfiguration {

        @Bean
        @ConditionalOnMissingBean
        LockMetrics distlockLockMetrics(MeterRegistry meterRegistry, ObjectProvider<LockBackend> lockBackend) {
            LockBackend backend = lockBackend.getIfUnique();
            return new LockMetrics(meterRegistry, backend != null ? backend.name() : "unknown");
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ObservationRegistry.class)
    @ConditionalOnBean(ObservationRegistry.class)
    static class ObservationConfiguration {

        @Bean
        @ConditionalOnMissingBean(LockObservations.class)
        ObservedLocks distlockObservedLocks(ObservationRegistry observationRegistry,
                                            ObjectProvider<DistributedLockObservationConvention> convention) {
            return new ObservedLocks(observationRegistry, convention.getIfAvailable());
        }

        @Bean
        @Primary
        @ConditionalOnBean(LockEngine.class)
        @ConditionalOnMissingBean(name = "distributedLocks")
        ObservedDistributedLocks distributedLocks(LockEngine lockEngine, LockObservations lockObservations) {
            return new ObservedDistributedLocks(lockEngine, lockObservations);
        }

        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(MeterObservationHandler.class)
        static class MeterHandlerConfiguration {

            @Bean
            LockObservationMeterHandler distlockObservationMeterHandler() {
                return new LockObservationMeterHandler();
            }
        }
    }
}
