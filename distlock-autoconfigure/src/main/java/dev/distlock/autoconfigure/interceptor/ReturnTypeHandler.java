package dev.distlock.autoconfigure.interceptor;

import org.aopalliance.intercept.MethodInvocation;

/**
 * How a locked call is run and released for one kind of return type: a plain value is done when
 * the method returns; a future when it completes; a publisher is locked from subscription to its
 * end. One small strategy per kind, chosen once per method when its bean is created.
 */
public interface ReturnTypeHandler {

    /** Whether this strategy is responsible for methods declared to return {@code returnType}. */
    boolean canHandle(Class<?> returnType);

    /**
     * Why such methods cannot be locked, to fail start-up with; null when they can. A strategy
     * that rejects is still chosen, so that the type is not mistaken for a plain value.
     */
    default String unsupportedReason(Class<?> returnType) {
        return null;
    }

    /**
     * Runs the call: takes the lock through {@code call} (when is the strategy's choice), runs the
     * method holding it with the lease bound to {@code LockContext}, and releases it when the result
     * is complete. When the lock is held elsewhere, {@link LockedCall#lockedElsewhere()} throws for
     * FAIL, and for SKIP the strategy returns its type's empty value without running the method.
     */
    Object invoke(MethodInvocation invocation, LockedCall call) throws Throwable;
}
