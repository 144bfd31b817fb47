package dev.distlock.autoconfigure.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.Lock;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.distlock.DistributedLock;
import dev.distlock.DistributedLocks;
import dev.distlock.LockOptions;
import dev.distlock.autoconfigure.BootLines;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Spring Boot's metrics and observation auto-configuration, as an application with the
 * actuator has them (on Boot 4 here, on Boot 3.5 in distlock-boot35-tests), a lock taken through the annotation, {@link DistributedLocks} and
 * {@code asLock} is metered once: the contract's meters, and no second set that Boot's meter
 * handler would derive from distlock's observations.
 */
class OneSetOfMetersTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(bootMetricsAndObservations()))
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class,
                    DistributedLockMetricsAutoConfiguration.class))
            .withPropertyValues("distlock.backend=in-memory")
            .withUserConfiguration(ReportConfiguration.class);

    @Test
    void annotationAndProgrammaticLocksProduceOnlyTheContractsMeters() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(SimpleMeterRegistry.class);
            context.getBean(Reports.class).report();
            DistributedLocks locks = context.getBean(DistributedLocks.class);
            locks.runIfAcquired("export", LockOptions.of(Duration.ofSeconds(10), Duration.ZERO).withName("export"), () -> {
            });
            Lock lock = locks.asLock("import", LockOptions.of(Duration.ofSeconds(10), Duration.ZERO).withName("import"));
            lock.lock();
            lock.unlock();

            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(distlockMeterNames(registry)).as("every distlock meter in the registry")
                    .containsOnly(LockMetrics.ACQUIRE, LockMetrics.HELD, LockMetrics.ACTIVE);
            for (String name : List.of("report", "export", "import")) {
                assertThat(registry.get(LockMetrics.ACQUIRE).tags("backend", "in-memory", "name", name, "outcome", "acquired")
                        .timers()).as("acquire timers of %s", name).hasSize(1).first()
                        .satisfies(timer -> assertThat(timer.count()).isEqualTo(1));
                assertThat(registry.get(LockMetrics.HELD).tags("backend", "in-memory", "name", name).timers())
                        .as("held timers of %s", name).hasSize(1);
            }
        });
    }

    private static Class<?>[] bootMetricsAndObservations() {
        // Boot's metrics with a simple registry and its observations: those distlock's metrics run after.
        String[] names = DistributedLockMetricsAutoConfiguration.class.getAnnotation(AutoConfiguration.class).afterName();
        return BootLines.ofRunningLine(names).stream().map(name -> {
            try {
                return Class.forName(name);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(name + " is not on this Boot line's class path", e);
            }
        }).toArray(Class<?>[]::new);
    }

    private static List<String> distlockMeterNames(MeterRegistry registry) {
        return registry.getMeters().stream().map(Meter::getId).map(Meter.Id::getName)
                .filter(name -> name.startsWith("distlock")).distinct().sorted().toList();
    }

    public static class Reports {
        @DistributedLock(name = "report")
        public void report() {
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ReportConfiguration {
        @Bean
        Reports reports() {
            return new Reports();
        }
    }
}
