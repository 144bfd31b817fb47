package dev.distlock.autoconfigure;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

import dev.distlock.autoconfigure.backend.LockBackendConfigurations;
import dev.distlock.autoconfigure.backend.LockBackendSelection;
import dev.distlock.engine.LockEngine;
import dev.distlock.engine.LockEventListener;
import dev.distlock.spi.LockBackend;

/**
 * Auto-configures distlock: the backend chosen by {@code distlock.backend} (see
 * {@link LockBackendConfigurations}), the {@link LockEngine} (also the {@code DistributedLocks}
 * bean) and the interception of {@code @DistributedLock} methods.
 *
 * <p>Runs after the Redis, DataSource and transaction auto-configurations, so that the backend
 * selection, which runs while bean definitions are registered, sees the RedisConnectionFactory or
 * DataSource they define: before them, a present module would find no connection and fail start-up.
 * Named by string, because those modules are optional, under Spring Boot 4's names and 3.5's
 * (a name that is not on the class path is ignored).
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration",
        // Spring Boot 3.5
        "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration",
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
        "org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration"})
@ConditionalOnBooleanProperty(name = "distlock.enabled", matchIfMissing = true)
@EnableConfigurationProperties(DistributedLockProperties.class)
@Import({LockBackendConfigurations.Selector.class, LockInterceptionConfiguration.class, LockAutoProxyRegistrar.class})
public final class DistributedLockAutoConfiguration {

    /** Shuts the engine down after the scheduler and the web server have stopped taking work. */
    @Bean
    LockEngineLifecycle lockEngineLifecycle(LockEngine lockEngine) {
        return new LockEngineLifecycle(lockEngine);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    LockEngine lockEngine(ObjectProvider<LockBackend> lockBackend, DistributedLockProperties properties,
                          ObjectProvider<LockEventListener> lockEventListeners, Environment environment,
                          BeanFactory beanFactory) {
        LockBackend backend = lockBackend.getIfAvailable();
        if (backend == null) {
            // No backend configuration matched: say why, in the words of distlock.backend.
            ConfigurableListableBeanFactory listable = (ConfigurableListableBeanFactory) beanFactory;
            LockBackendSelection selection = LockBackendSelection.select(environment, listable.getBeanClassLoader(), listable);
            if (selection.failure() != null) {
                throw selection.failure();
            }
            throw new IllegalStateException("No LockBackend bean was created although the "
                    + selection.chosen().type().propertyValue() + " backend was selected; check the conditions report "
                    + "(--debug) for " + selection.chosen().configurationClass().getSimpleName());
        }
        return LockEngine.builder(backend)
                .namespace(properties.namespaceOr(environment.getProperty("spring.application.name")))
                .leaseLossPolicy(properties.getLeaseLossPolicy())
                .operationTimeout(properties.getOperationTimeout())
                .shutdownTimeout(properties.getShutdownTimeout())
                .events(CompositeLockEventListener.of(lockEventListeners.orderedStream().toList()))
                .build();
    }
}
