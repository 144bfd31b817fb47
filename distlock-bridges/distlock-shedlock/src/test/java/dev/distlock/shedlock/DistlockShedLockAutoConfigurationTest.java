package dev.distlock.shedlock;

import java.time.Instant;
import java.util.Optional;

import net.javacrumbs.shedlock.core.LockProvider;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.shedlock.autoconfigure.DistlockShedLockAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/** When distlock's ShedLock provider is the application's LockProvider bean, and when not. */
class DistlockShedLockAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class, DistlockShedLockAutoConfiguration.class))
            .withPropertyValues("distlock.backend=in-memory");

    @Test
    void providesTheLockProviderOnTheDistlockEngine() {
        runner.run(context -> assertThat(context).hasSingleBean(LockProvider.class)
                .getBean(LockProvider.class).isInstanceOf(DistlockLockProvider.class));
    }

    @Test
    void backsOffWhenTheApplicationDefinesALockProvider() {
        LockProvider own = configuration -> Optional.empty();
        runner.withBean(LockProvider.class, () -> own)
                .run(context -> assertThat(context).getBean(LockProvider.class).isSameAs(own));
    }

    @Test
    void providesNothingWithoutShedLock() {
        runner.withClassLoader(new FilteredClassLoader(LockProvider.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(DistlockLockProvider.class));
    }

    @Test
    void providesNothingWhenDistlockIsDisabled() {
        runner.withPropertyValues("distlock.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(LockProvider.class));
    }

    @Test
    void lockNamesAreKeysInTheConfiguredNamespace() {
        runner.withPropertyValues("distlock.namespace=billing").run(context -> {
            var lock = context.getBean(LockProvider.class).lock(
                    new net.javacrumbs.shedlock.core.LockConfiguration(Instant.now(), "invoices", java.time.Duration.ofSeconds(5), java.time.Duration.ZERO));
            assertThat(lock).hasValueSatisfying(held -> assertThat(held.toString()).contains("billing:invoices"));
            lock.orElseThrow().unlock();
        });
    }
}
