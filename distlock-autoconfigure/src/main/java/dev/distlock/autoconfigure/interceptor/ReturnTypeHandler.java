package dev.distlock.autoconfigure.interceptor;

import org.aopalliance.intercept.MethodInvocation;

import dev.distlock.Lease;

/**
 * How a locked call is run and released for one kind of return type: a plain value is done when
 * the method returns; a future or a publisher only when it completes. One small strategy per kind,
 * chosen once per method when its bean is created.
 */
public interface ReturnTypeHandler {

    /** Whether this strategy is responsible for methods declared to return {@code returnType}. */
    boolean canHandle(Class<?> returnType);

    /**
     * Why such methods cannot be locked (yet), to fail start-up with; null when they can. A strategy
     * that rejects is still chosen, so that the type is not mistaken for a plain value.
     */
    default String unsupportedReason(Class<?> returnType) {
        return null;
    }

    /** Runs the call holding {@code lease}, binds it to {@code LockContext} meanwhile, and releases it when the result is complete. */
    Object proceed(MethodInvocation invocation, Lease lease) throws Throwable;

    /** What the method returns when the lock was held elsewhere and {@code onLocked = SKIP}. */
    Object skippedResult(Class<?> returnType);
}
