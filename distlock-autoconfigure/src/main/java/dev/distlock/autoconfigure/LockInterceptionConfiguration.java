package dev.distlock.autoconfigure;

import java.time.Clock;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.function.SingletonSupplier;

import dev.distlock.autoconfigure.interceptor.DistributedLockAdvisor;
import dev.distlock.autoconfigure.interceptor.DistributedLockInterceptor;
import dev.distlock.autoconfigure.interceptor.LockAnnotationValidator;
import dev.distlock.autoconfigure.interceptor.LockDefaults;
import dev.distlock.autoconfigure.interceptor.LockKeyEvaluator;
import dev.distlock.autoconfigure.interceptor.LockObservations;
import dev.distlock.autoconfigure.interceptor.LockOperationSource;
import dev.distlock.autoconfigure.interceptor.ReturnTypeHandlers;
import dev.distlock.engine.LockEngine;

/**
 * The interception infrastructure. The auto-proxy creator asks for the advisor while the first
 * beans are being created, so these beans are static, infrastructure-role, and reach the engine
 * and the properties only lazily: creating them must not pull a store connection in early.
 */
@Configuration(proxyBeanMethods = false)
@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
class LockInterceptionConfiguration {

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnMissingBean
    static LockKeyEvaluator lockKeyEvaluator(BeanFactory beanFactory) {
        return new LockKeyEvaluator(beanFactory);
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnMissingBean
    static LockOperationSource lockOperationSource(Environment environment,
                                                   ObjectProvider<DistributedLockProperties> properties,
                                                   LockKeyEvaluator lockKeyEvaluator, BeanFactory beanFactory) {
        // The application's class loader tells which libraries it has (Reactor, Kotlin coroutines).
        ClassLoader classLoader = beanFactory instanceof ConfigurableBeanFactory configurable
                && configurable.getBeanClassLoader() != null ? configurable.getBeanClassLoader()
                : LockInterceptionConfiguration.class.getClassLoader();
        return new LockOperationSource(environment, SingletonSupplier.of(() -> {
            DistributedLockProperties configured = properties.getObject();
            return new LockDefaults(configured.getDefaultLease(), configured.getDefaultWaitFor());
        }), lockKeyEvaluator, ReturnTypeHandlers.defaults(classLoader));
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static DistributedLockInterceptor distributedLockInterceptor(LockOperationSource lockOperationSource,
                                                                 LockKeyEvaluator lockKeyEvaluator,
                                                                 ObjectProvider<LockEngine> lockEngine,
                                                                 ObjectProvider<LockObservations> lockObservations,
                                                                 ObjectProvider<TaskScheduler> taskScheduler) {
        return new DistributedLockInterceptor(lockOperationSource, lockKeyEvaluator, SingletonSupplier.of(lockEngine::getObject),
                SingletonSupplier.of(() -> lockObservations.getIfAvailable(() -> LockObservations.NONE)),
                // Cron slots are read by the clock that fires them: the TaskScheduler's, when there is one bean of it.
                SingletonSupplier.of(() -> {
                    TaskScheduler scheduler = taskScheduler.getIfUnique();
                    return scheduler != null ? scheduler.getClock() : Clock.systemUTC();
                }));
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static DistributedLockAdvisor distributedLockAdvisor(LockOperationSource lockOperationSource,
                                                         DistributedLockInterceptor distributedLockInterceptor) {
        return new DistributedLockAdvisor(lockOperationSource, distributedLockInterceptor);
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static LockAnnotationValidator lockAnnotationValidator(ObjectProvider<LockOperationSource> lockOperationSource,
                                                           ObjectProvider<LockEngine> lockEngine) {
        return new LockAnnotationValidator(lockOperationSource, lockEngine);
    }
}
