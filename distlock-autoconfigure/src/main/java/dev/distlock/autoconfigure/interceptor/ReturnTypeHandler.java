package dev.distlock.autoconfigure.interceptor;

import java.lang.reflect.Method;

import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

/**
 * How a locked call is run and released for one kind of return type: a plain value is done when
 * the method returns; a future when it completes; a publisher is locked from subscription to its
 * end. One small strategy per kind, chosen once per method when its bean is created.
 */
public interface ReturnTypeHandler {

    /** Whether this strategy is responsible for methods declared to return {@code returnType}. */
    boolean canHandle(Class<?> returnType);

    /**
     * Whether this strategy is responsible for {@code method}; by its declared return type, unless
     * the strategy needs more than that (a Kotlin suspend function is declared to return Object).
     */
    default boolean canHandle(Method method) {
        return canHandle(method.getReturnType());
    }

    /**
     * Why such methods cannot be locked, to fail start-up with; null when they can. A strategy
     * that rejects is still chosen, so that the type is not mistaken for a plain value.
     */
    default @Nullable String unsupportedReason(Class<?> returnType) {
        return null;
    }

    /** {@link #unsupportedReason(Class)} for {@code method}'s declared return type, unless the strategy needs more. */
    default @Nullable String unsupportedReason(Method method) {
        return unsupportedReason(method.getReturnType());
    }

    /**
     * Why {@code onLocked = SKIP} cannot work for {@code method}, to fail start-up with: the empty
     * value SKIP returns does not fit what the method returns. Null when it can.
     */
    default @Nullable String skipUnsupportedReason(Method method) {
        Class<?> returnType = method.getReturnType();
        if (returnType.isPrimitive() && returnType != void.class) {
            return "SKIP returns null when the lock is held elsewhere, which a method returning " + returnType
                    + " cannot; return a wrapper type or an Optional, or use OnLocked.FAIL";
        }
        return null;
    }

    /**
     * Runs the call: takes the lock through {@code call} (when is the strategy's choice), runs the
     * method holding it with the lease bound to {@code LockContext}, and releases it when the result
     * is complete. When the lock is held elsewhere, {@link LockedCall#lockedElsewhere()} throws for
     * FAIL, and for SKIP the strategy returns its type's empty value without running the method.
     */
    @Nullable Object invoke(MethodInvocation invocation, LockedCall call) throws Throwable;
}
