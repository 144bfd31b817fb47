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
    public Object invoke(MethodInvocation invocation, LockedCall call) throws Throwable {
        Lease lease = call.acquireOrNull();
        if (lease == null) {
            call.lockedElsewhere();
            return invocation.getMethod().getReturnType() == Optional.class ? Optional.empty() : null;
        }
        LockObservations.Execution execution = call.startExecution(lease);
        Throwable failure = null;
        try (lease; LockContext.Scope bound = call.bind(lease); LockObservations.Scope observed = execution.openScope()) {
            return invocation.proceed();
        } catch (Throwable e) {
            failure = e;
            throw e;
        } finally {
            execution.stop(failure);
        }
    }
}
