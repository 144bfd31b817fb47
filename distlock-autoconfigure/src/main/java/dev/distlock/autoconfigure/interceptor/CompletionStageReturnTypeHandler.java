package dev.distlock.autoconfigure.interceptor;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

import org.aopalliance.intercept.MethodInvocation;

import dev.distlock.Lease;
import dev.distlock.LockContext;

/**
 * Methods returning {@code CompletableFuture} or {@code CompletionStage}: the lock is taken on the
 * calling thread and kept until the returned future completes. The caller gets a future that
 * completes only after the release, so that whatever it chains next runs when the next holder may
 * already go ahead.
 */
final class CompletionStageReturnTypeHandler implements ReturnTypeHandler {

    @Override
    public boolean canHandle(Class<?> returnType) {
        return Future.class.isAssignableFrom(returnType) || CompletionStage.class.isAssignableFrom(returnType);
    }

    @Override
    public String unsupportedReason(Class<?> returnType) {
        if (returnType == CompletableFuture.class || returnType == CompletionStage.class) {
            return null;
        }
        return returnType.getName() + " cannot be held until completion: distlock observes completion of "
                + "CompletableFuture and CompletionStage only; declare one of those as the return type";
    }

    @Override
    public Object invoke(MethodInvocation invocation, LockedCall call) throws Throwable {
        Optional<Lease> acquired = call.tryAcquire();
        if (acquired.isEmpty()) {
            call.lockedElsewhere();
            return CompletableFuture.completedFuture(null);
        }
        Lease lease = acquired.get();
        LockObservations.Execution execution = call.startExecution(lease);
        Object result;
        try (LockContext.Scope bound = LockContext.bind(lease); LockObservations.Scope observed = execution.openScope()) {
            result = invocation.proceed();
        } catch (Throwable failure) {
            lease.close();
            execution.stop(failure);
            throw failure;
        }
        if (result == null) {
            lease.close();
            execution.stop(null);
            return null;
        }
        CompletableFuture<?> future = ((CompletionStage<?>) result).toCompletableFuture();
        if (future.isDone()) {
            lease.close();
            execution.stop(null);
            return result;
        }
        // The same thread calling again must wait for this lock rather than re-enter it.
        LockedCall.detach(lease);
        CompletableFuture<Object> released = new CompletableFuture<>();
        future.whenComplete((value, failure) -> {
            try {
                lease.close();
            } finally {
                execution.stop(failure);
                if (failure != null) {
                    released.completeExceptionally(failure);
                } else {
                    released.complete(value);
                }
            }
        });
        return released;
    }
}
