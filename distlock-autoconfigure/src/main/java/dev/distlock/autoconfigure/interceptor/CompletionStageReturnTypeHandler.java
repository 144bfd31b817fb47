package dev.distlock.autoconfigure.interceptor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

import org.aopalliance.intercept.MethodInvocation;

import dev.distlock.Lease;
import dev.distlock.LockContext;
import dev.distlock.engine.EngineLease;

/**
 * Methods returning {@code CompletableFuture} or {@code CompletionStage}: the lock is kept until
 * the returned future completes. The caller gets a future that completes only after the release,
 * so that whatever it chains next runs when the next holder may already go ahead.
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
    public Object proceed(MethodInvocation invocation, Lease lease) throws Throwable {
        Object result;
        try (LockContext.Scope ignored = LockContext.bind(lease)) {
            result = invocation.proceed();
        } catch (Throwable failure) {
            lease.close();
            throw failure;
        }
        if (result == null) {
            lease.close();
            return null;
        }
        CompletableFuture<?> future = ((CompletionStage<?>) result).toCompletableFuture();
        if (future.isDone()) {
            lease.close();
            return result;
        }
        // The same thread calling again must wait for this lock rather than re-enter it.
        if (lease instanceof EngineLease engineLease) {
            engineLease.detachFromThread();
        }
        CompletableFuture<Object> released = new CompletableFuture<>();
        future.whenComplete((value, failure) -> {
            try {
                lease.close();
            } finally {
                if (failure != null) {
                    released.completeExceptionally(failure);
                } else {
                    released.complete(value);
                }
            }
        });
        return released;
    }

    @Override
    public Object skippedResult(Class<?> returnType) {
        return CompletableFuture.completedFuture(null);
    }
}
