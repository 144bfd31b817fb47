package dev.distlock.benchmarks.support;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.engine.LockEngine;
import dev.distlock.spi.LockBackend;

/**
 * distlock through {@code @DistributedLock} on a Spring bean: a small ApplicationContext with the
 * auto-configuration (interceptor, engine) and the backend given as a bean, as an application that
 * defines its own {@link LockBackend} has it. The lock is held while the (empty) method runs, so this
 * client cannot hand a held lock to the caller: {@link #acquire(String)} is not supported.
 */
public final class DistlockAnnotationClient implements LockClient {

    private final AnnotationConfigApplicationContext context;
    private final AnnotatedService service;

    public DistlockAnnotationClient(LockBackend backend) {
        context = new AnnotationConfigApplicationContext();
        context.registerBean(LockBackend.class, () -> backend, definition -> definition.setDestroyMethodName("close"));
        context.register(Wiring.class);
        context.refresh();
        service = context.getBean(AnnotatedService.class);
    }

    @Override
    public void lockAndUnlock(String key) {
        service.locked(key);
    }

    @Override
    public Held acquire(String key) {
        throw new UnsupportedOperationException("The annotation holds the lock for the duration of the method");
    }

    public AnnotatedService service() {
        return service;
    }

    public LockEngine engine() {
        return context.getBean(LockEngine.class);
    }

    @Override
    public void close() {
        context.close();
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(DistributedLockAutoConfiguration.class)
    static class Wiring {

        @Bean
        AnnotatedService annotatedService() {
            return new AnnotatedService();
        }
    }
}
