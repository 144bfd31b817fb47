package dev.distlock.autoconfigure.interceptor;

import java.lang.reflect.Method;

import org.aopalliance.aop.Advice;

import org.springframework.aop.ClassFilter;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.core.Ordered;

/**
 * Applies {@link DistributedLockInterceptor} to every method its {@link LockOperationSource} knows.
 *
 * <p>Ordered before the transaction advisor ({@code @EnableTransactionManagement} defaults to
 * {@link Ordered#LOWEST_PRECEDENCE}): the lock is taken before the transaction begins and released
 * after it has committed or rolled back, so that the next holder reads committed data.
 */
public final class DistributedLockAdvisor extends AbstractPointcutAdvisor {

    /** Outside {@code @Transactional} (lowest precedence) and close to the method otherwise. */
    public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

    private final Pointcut pointcut;
    private final Advice advice;

    public DistributedLockAdvisor(LockOperationSource operations, DistributedLockInterceptor interceptor) {
        this.pointcut = new LockOperationPointcut(operations);
        this.advice = interceptor;
        setOrder(DEFAULT_ORDER);
    }

    @Override
    public Pointcut getPointcut() {
        return pointcut;
    }

    @Override
    public Advice getAdvice() {
        return advice;
    }

    /** Matches what the source finds annotated; parsing on first match also validates the annotation. */
    private static final class LockOperationPointcut extends StaticMethodMatcherPointcut {

        private final LockOperationSource operations;

        LockOperationPointcut(LockOperationSource operations) {
            this.operations = operations;
            setClassFilter(new ClassFilter() {
                @Override
                public boolean matches(Class<?> clazz) {
                    return operations.isCandidateClass(clazz);
                }
            });
        }

        @Override
        public boolean matches(Method method, Class<?> targetClass) {
            return operations.getOperation(method, targetClass) != null;
        }
    }
}
