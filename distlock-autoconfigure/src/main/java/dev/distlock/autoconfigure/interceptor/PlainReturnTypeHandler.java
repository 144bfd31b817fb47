package dev.distlock.autoconfigure.interceptor;

import java.util.Optional;

import org.aopalliance.intercept.MethodInvocation;

import dev.distlock.Lease;
import dev.distlock.LockContext;

/** Any value that is complete when the method returns: the lock is released in {@code finally}. */
final class PlainReturnTypeHandler implements ReturnTypeHandler {

    @Override
    public boolean canHandle(Class<?> returnType) {
        return true;
    }

    @Override
    public String unsupportedReason(Class<?> returnType) {
        return null;
    }

    @Override
    public Object proceed(MethodInvocation invocation, Lease lease) throws Throwable {
        try (lease; LockContext.Scope ignored = LockContext.bind(lease)) {
            return invocation.proceed();
        }
    }

    @Override
    public Object skippedResult(Class<?> returnType) {
        return returnType == Optional.class ? Optional.empty() : null;
    }
}
