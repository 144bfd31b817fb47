package dev.distlock.integration;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.integration.support.locks.DefaultLockRegistry;
import org.springframework.integration.support.locks.DistributedLock;
import org.springframework.integration.support.locks.LockRegistry;

import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.engine.LockEngine;
import dev.distlock.integration.autoconfigure.DistlockLockRegistryAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/** When distlock's registry is the application's LockRegistry bean, and when not. */
class DistlockLockRegistryAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class, DistlockLockRegistryAutoConfiguration.class))
            .withPropertyValues("distlock.backend=in-memory");

    @Test
    void providesTheRegistryOnTheDistlockEngineWithTheDefaultLease() {
        runner.withPropertyValues("distlock.default-lease=12s", "distlock.namespace=orders-app").run(context -> {
            assertThat(context).hasSingleBean(LockRegistry.class).getBean(LockRegistry.class).isInstanceOf(DistlockLockRegistry.class);
            var lock = context.getBean(DistlockLockRegistry.class).obtain("group-7");
            lock.lock();
            var held = context.getBean(LockEngine.class).heldLocks().get(0);
            assertThat(held.key()).isEqualTo("orders-app:group-7");
            assertThat(Duration.between(held.acquiredAt(), held.expiresAt())).isEqualTo(Duration.ofSeconds(12));
            lock.unlock();
        });
    }

    @Test
    void backsOffWhenTheApplicationDefinesALockRegistry() {
        runner.withBean(LockRegistry.class, DefaultLockRegistry::new)
                .run(context -> assertThat(context).getBean(LockRegistry.class).isInstanceOf(DefaultLockRegistry.class));
    }

    @Test
    void providesNothingWithoutSpringIntegration() {
        runner.withClassLoader(new FilteredClassLoader(LockRegistry.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(DistlockLockRegistry.class));
    }

    /** Spring Integration 6.5 (Boot 3.5) has LockRegistry but not DistributedLock: no registry, and no failed start-up. */
    @Test
    void providesNothingOnASpringIntegrationWithoutDistributedLock() {
        runner.withClassLoader(new FilteredClassLoader(DistributedLock.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(DistlockLockRegistry.class));
    }

    @Test
    void providesNothingWhenDistlockIsDisabled() {
        runner.withPropertyValues("distlock.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(LockRegistry.class));
    }
}
