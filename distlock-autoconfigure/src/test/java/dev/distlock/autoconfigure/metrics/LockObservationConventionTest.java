package dev.distlock.autoconfigure.metrics;

import java.time.Duration;
import java.util.concurrent.locks.Lock;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.distlock.DistributedLocks;
import dev.distlock.LockContext;
import dev.distlock.LockOptions;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.autoconfigure.interceptor.ObservedDistributedLocks;

import static org.assertj.core.api.Assertions.assertThat;

/** The programmatic API is observed as the annotation is, and the observations follow a replaceable convention. */
class LockObservationConventionTest {

    private static final LockOptions EXPORT = LockOptions.of(Duration.ofSeconds(10), Duration.ZERO).withName("export");

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class,
                    DistributedLockMetricsAutoConfiguration.class))
            .withPropertyValues("distlock.backend=in-memory")
            .withBean(ObservationRegistry.class, TestObservationRegistry::create);

    @Test
    void programmaticLocksAreObservedUnderTheirOptionsName() {
        runner.run(context -> {
            DistributedLocks locks = context.getBean(DistributedLocks.class);
            assertThat(locks).isInstanceOf(ObservedDistributedLocks.class);
            boolean ran = locks.runIfAcquired("orders", EXPORT, () -> assertThat(LockContext.currentLease()).isPresent());
            assertThat(ran).isTrue();
            TestObservationRegistry observations = (TestObservationRegistry) context.getBean(ObservationRegistry.class);
            TestObservationRegistryAssert.assertThat(observations)
                    .hasObservationWithNameEqualTo("distlock.acquisition").that()
                    .hasContextualNameEqualTo("distlock.acquire")
                    .hasLowCardinalityKeyValue("distlock.name", "export")
                    .hasLowCardinalityKeyValue("distlock.outcome", "acquired")
                    .hasHighCardinalityKeyValue("distlock.key", "distlock:orders")
                    .hasBeenStopped();
            TestObservationRegistryAssert.assertThat(observations)
                    .hasObservationWithNameEqualTo("distlock.execution").that()
                    .hasLowCardinalityKeyValue("distlock.name", "export")
                    .hasHighCardinalityKeyValueWithKey("distlock.fencing-token")
                    .hasBeenStopped();
        });
    }

    @Test
    void aLockViewIsObservedUntilItIsUnlocked() {
        runner.run(context -> {
            Lock lock = context.getBean(DistributedLocks.class).asLock("imports", EXPORT.withName("import"));
            lock.lock();
            TestObservationRegistry observations = (TestObservationRegistry) context.getBean(ObservationRegistry.class);
            TestObservationRegistryAssert.assertThat(observations)
                    .hasObservationWithNameEqualTo("distlock.execution").that()
                    .hasLowCardinalityKeyValue("distlock.name", "import").isNotStopped();
            lock.unlock();
            TestObservationRegistryAssert.assertThat(observations)
                    .hasObservationWithNameEqualTo("distlock.execution").that().hasBeenStopped();
        });
    }

    @Test
    void aConventionBeanReplacesTheDefault() {
        runner.withBean(DistributedLockObservationConvention.class, TeamConvention::new).run(context -> {
            context.getBean(DistributedLocks.class).runIfAcquired("orders", EXPORT, () -> {
            });
            TestObservationRegistryAssert.assertThat((TestObservationRegistry) context.getBean(ObservationRegistry.class))
                    .hasObservationWithNameEqualTo("distlock.acquisition").that()
                    .hasContextualNameEqualTo("lock export")
                    .hasLowCardinalityKeyValue("team", "payments")
                    .hasLowCardinalityKeyValue("distlock.name", "export");
        });
    }

    /** A team's convention: the default's key values plus its own, and its own span names. */
    static class TeamConvention extends DefaultDistributedLockObservationConvention {
        @Override
        public String getContextualName(DistributedLockObservationContext context) {
            return "lock " + context.lockName();
        }

        @Override
        public KeyValues getLowCardinalityKeyValues(DistributedLockObservationContext context) {
            return super.getLowCardinalityKeyValues(context).and("team", "payments");
        }
    }
}
