package dev.distlock.test;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

import dev.distlock.DistributedLocks;

/** A {@link LockTester} in every application context of a test that has distlock-test on its class path. */
@AutoConfiguration(afterName = "dev.distlock.autoconfigure.DistributedLockAutoConfiguration")
@ConditionalOnProperty(prefix = "distlock", name = "enabled", havingValue = "true", matchIfMissing = true)
public class LockTesterAutoConfiguration {

    // An ObjectProvider: the engine collects every LockEventListener when it is built, this one included.
    @Bean
    @ConditionalOnMissingBean
    LockTester lockTester(ObjectProvider<DistributedLocks> locks) {
        return new LockTester(locks::getObject);
    }
}
