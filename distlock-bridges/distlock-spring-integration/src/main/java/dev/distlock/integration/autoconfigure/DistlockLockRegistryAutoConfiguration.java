package dev.distlock.integration.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.integration.support.locks.DistributedLock;
import org.springframework.integration.support.locks.LockRegistry;

import dev.distlock.DistributedLocks;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.autoconfigure.DistributedLockProperties;
import dev.distlock.integration.DistlockLockRegistry;

/**
 * A Spring Integration {@link LockRegistry} on the distlock engine, its leases as long as
 * {@code distlock.default-lease}; so that a {@code LockRegistryLeaderInitiator} built on the
 * registry bean elects a leader on the configured distlock backend. Backs off when the application
 * defines a LockRegistry itself.
 *
 * <p>Needs Spring Integration 7.0 (Spring Boot 4.0): {@link DistributedLock} is its type, and on 6.5
 * (Boot 3.5), which lacks it, this configuration stays out rather than failing start-up.
 */
@AutoConfiguration(after = DistributedLockAutoConfiguration.class)
@ConditionalOnClass({LockRegistry.class, DistributedLock.class})
@ConditionalOnBean({DistributedLocks.class, DistributedLockProperties.class})
public final class DistlockLockRegistryAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(LockRegistry.class)
    DistlockLockRegistry distlockLockRegistry(DistributedLocks distributedLocks, DistributedLockProperties properties) {
        return new DistlockLockRegistry(distributedLocks, properties.getDefaultLease());
    }
}
