package dev.distlock.autoconfigure.metrics;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.distlock.DistributedLock;
import dev.distlock.LockNotAcquiredException;
import dev.distlock.OnLocked;
import dev.distlock.autoconfigure.BootLines;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.engine.LockEngine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Meters and observations of annotated calls: present with Micrometer, absent (and harmless) without. */
class DistributedLockMetricsAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class,
                    DistributedLockMetricsAutoConfiguration.class))
            .withPropertyValues("distlock.backend=in-memory")
            .withUserConfiguration(PaymentConfiguration.class);

    @Test
    void anAnnotatedCallIsMeteredUnderItsLockName() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            assertThat(context).hasSingleBean(LockMetrics.class);
            context.getBean(Payments.class).pay("o-1");
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get("distlock.acquire").tags("backend", "in-memory", "name", "pay", "outcome", "acquired")
                    .timer().count()).isEqualTo(1);
            assertThat(registry.get("distlock.held").tags("backend", "in-memory", "name", "pay").timer().count()).isEqualTo(1);
            assertThat(registry.get("distlock.active").tags("backend", "in-memory", "name", "pay").gauge().value()).isZero();
        });
    }

    @Test
    void acquisitionAndGuardedCallAreObservedWithTheLockName() {
        runner.withBean(ObservationRegistry.class, TestObservationRegistry::create).run(context -> {
            Payments payments = context.getBean(Payments.class);
            payments.pay("o-1");
            TestObservationRegistry observations = (TestObservationRegistry) context.getBean(ObservationRegistry.class);
            TestObservationRegistryAssert.assertThat(observations)
                    .hasObservationWithNameEqualTo("distlock.acquisition").that()
                    .hasContextualNameEqualTo("distlock.acquire")
                    .hasLowCardinalityKeyValue("distlock.name", "pay")
                    .hasLowCardinalityKeyValue("distlock.backend", "in-memory")
                    .hasLowCardinalityKeyValue("distlock.outcome", "acquired")
                    .hasHighCardinalityKeyValue("distlock.key", "distlock:pay:o-1")
                    .hasBeenStarted().hasBeenStopped();
            TestObservationRegistryAssert.assertThat(observations)
                    .hasObservationWithNameEqualTo("distlock.execution").that()
                    .hasContextualNameEqualTo("distlock.execute")
                    .hasLowCardinalityKeyValue("distlock.name", "pay")
                    .hasBeenStarted().hasBeenStopped();
            assertThat(payments.observedInside()).as("the guarded call runs inside its observation").isTrue();
        });
    }

    @Test
    void aLockHeldElsewhereIsObservedAsNotAcquired() {
        runner.withBean(ObservationRegistry.class, TestObservationRegistry::create).run(context -> {
            LockEngine engine = context.getBean(LockEngine.class);
            try (var ignored = engine.tryAcquireFullKey("distlock:pay:o-1",
                    dev.distlock.LockOptions.of(java.time.Duration.ofSeconds(30), java.time.Duration.ZERO)).orElseThrow()) {
                CompletableFuture<Void> call = CompletableFuture.runAsync(() -> context.getBean(Payments.class).pay("o-1"));
                assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(LockNotAcquiredException.class);
            }
            TestObservationRegistryAssert.assertThat((TestObservationRegistry) context.getBean(ObservationRegistry.class))
                    .hasObservationWithNameEqualTo("distlock.acquisition").that()
                    .hasLowCardinalityKeyValue("distlock.outcome", "not_acquired");
        });
    }

    @Test
    void withoutMicrometerThereAreNoMetersNorObservationsAndCallsStillLock() {
        runner.withClassLoader(new FilteredClassLoader("io.micrometer")).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(LockMetrics.class);
            assertThat(context).doesNotHaveBean(ObservedLocks.class);
            context.getBean(Payments.class).pay("o-1");
        });
    }

    @Test
    void withMicrometerButNoRegistryBeansNothingIsRegistered() {
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(LockMetrics.class);
            assertThat(context).doesNotHaveBean(ObservedLocks.class);
        });
    }

    @Test
    void runsAfterAutoConfigurationsThatExistUnderTheNamesItGivesForEachBootLine() throws ClassNotFoundException {
        String[] names = DistributedLockMetricsAutoConfiguration.class.getAnnotation(AutoConfiguration.class).afterName();
        // Without the other line's names, its registries would be defined after distlock's meters looked for them.
        assertThat(BootLines.ofOtherLine(names)).hasSameSizeAs(BootLines.ofRunningLine(names));
        for (String name : BootLines.ofRunningLine(names)) {
            assertThat(Class.forName(name)).isNotNull();
        }
    }

    public static class Payments {
        private final ObservationRegistry observations;
        private volatile boolean observedInside;

        public Payments(ObservationRegistry observations) {
            this.observations = observations;
        }

        @DistributedLock(name = "pay", key = "#orderId", onLocked = OnLocked.FAIL)
        public void pay(String orderId) {
            observedInside = observations != null && observations.getCurrentObservation() != null
                    && observations.getCurrentObservation().getContext().getName().equals("distlock.execution");
        }

        public boolean observedInside() {
            return observedInside;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PaymentConfiguration {
        @Bean
        Payments payments(org.springframework.beans.factory.ObjectProvider<ObservationRegistry> observations) {
            return new Payments(observations.getIfAvailable());
        }
    }
}
