package dev.distlock.autoconfigure.interceptor;

import java.lang.reflect.Method;
import java.util.Map;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

import dev.distlock.DistributedLock;
import dev.distlock.engine.LockEngine;
import dev.distlock.spi.LeaseLimits;
import dev.distlock.spi.LockBackend;

/**
 * Checks every {@code @DistributedLock} of a bean when the bean is created, before any proxy is
 * made, so that a mistake fails start-up with the bean, the method and the attribute named rather
 * than the first call (or, for a private method, silently never locking).
 */
public final class LockAnnotationValidator implements BeanPostProcessor {

    private final ObjectProvider<LockOperationSource> operations;
    private final ObjectProvider<LockEngine> engine;

    public LockAnnotationValidator(ObjectProvider<LockOperationSource> operations, ObjectProvider<LockEngine> engine) {
        this.operations = operations;
        this.engine = engine;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        Class<?> userClass = ClassUtils.getUserClass(AopUtils.getTargetClass(bean));
        LockOperationSource source = operations.getIfAvailable();
        if (source == null || !source.isCandidateClass(userClass)) {
            return bean;
        }
        Map<Method, DistributedLock> annotated = MethodIntrospector.selectMethods(userClass,
                (MethodIntrospector.MetadataLookup<DistributedLock>) method ->
                        AnnotatedElementUtils.findMergedAnnotation(method, DistributedLock.class));
        for (Method method : annotated.keySet()) {
            try {
                LockOperation operation = source.getOperation(method, userClass);
                if (operation != null && operation.options().fair()) {
                    requireFairBackend(operation);
                }
                if (operation != null) {
                    requireHonourableLease(operation);
                }
            } catch (InvalidLockAnnotationException e) {
                throw e.forBean(beanName);
            }
        }
        return bean;
    }

    /** A backend that cannot make every lease its crash-recovery time says which ones, before the first call. */
    private void requireHonourableLease(LockOperation operation) {
        LockEngine locks = engine.getIfAvailable();
        if (locks != null && locks.backend() instanceof LeaseLimits limits) {
            limits.refusal(operation.options().lease()).ifPresent(reason -> {
                throw new InvalidLockAnnotationException(operation.description(), "'lease'", reason);
            });
        }
    }

    private void requireFairBackend(LockOperation operation) {
        LockEngine locks = engine.getIfAvailable();
        LockBackend backend = locks != null ? locks.backend() : null;
        if (backend != null && !backend.capabilities().fair()) {
            throw new InvalidLockAnnotationException(operation.description(), "'fair'", "the " + backend.name()
                    + " backend cannot grant locks in request order; remove fair = true, or use a backend that can "
                    + "(in-memory, and those whose documentation says so)");
        }
    }
}
