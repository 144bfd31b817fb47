package dev.distlock.shedlock.autoconfigure;

import net.javacrumbs.shedlock.core.LockProvider;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.distlock.DistributedLocks;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.shedlock.DistlockLockProvider;

/**
 * ShedLock's {@link LockProvider} on the distlock engine, so that {@code @EnableSchedulerLock} and
 * {@code @SchedulerLock} run on the configured distlock backend with no other change. Backs off when
 * the application defines a LockProvider itself (e.g. a {@code TransitionLockProvider}).
 */
@AutoConfiguration(after = DistributedLockAutoConfiguration.class)
@ConditionalOnClass(LockProvider.class)
@ConditionalOnBean(DistributedLocks.class)
public final class DistlockShedLockAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(LockProvider.class)
    DistlockLockProvider distlockLockProvider(DistributedLocks distributedLocks) {
        return new DistlockLockProvider(distributedLocks);
    }
}
