package dev.distlock.autoconfigure.interceptor;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

import org.aopalliance.intercept.MethodInvocation;

import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;

import dev.distlock.Lease;
import dev.distlock.LockContext;

/**
 * Methods returning {@code CompletableFuture} or {@code CompletionStage}: the lock is taken on the
 * calling thread and kept until the returned future completes. The caller gets a future that
 * completes only after the release, so that whatever it chains next runs when the next holder may
 * already go ahead. Cancelling the caller's future cancels the method's own future, which
 * completes it, and so releases the lock: what {@code CompletableFuture.cancel} does to the work
 * behind it (nothing, for {@code supplyAsync}) is up to that future.
 */
final class CompletionStageReturnTypeHandler implements ReturnTypeHandler {

    @Override
    public boolean canHandle(Class<?> returnType) {
        return Future.class.isAssignableFrom(returnType) || CompletionStage.class.isAssignableFrom(returnType);
    }

    @Override
    public @Nullable String unsupportedReason(Class<?> returnType) {
        if (returnType == CompletableFuture.class || returnType == CompletionStage.class) {
            return null;
        }
        return returnType.getName() + " cannot be held until completion: distlock observes completion of "
                + "CompletableFuture and CompletionStage only; declare one of those as the return type";
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation, LockedCall call) throws Throwable {
        Optional<Lease> acquired = call.tryAcquire();
        if (acquired.isEmpty()) {
            call.lockedElsewhere();
            return CompletableFuture.completedFuture(null);
        }
        Lease lease = acquired.get();
        LockObservations.Execution execution = call.startExecution(lease);
        Object result;
        CompletableFuture<?> future;
        try (LockContext.Scope bound = call.bind(lease); LockObservations.Scope observed = execution.openScope()) {
            result = invocation.proceed();
            future = result != null ? toCompletableFuture((CompletionStage<?>) result, invocation) : null;
        } catch (Throwable failure) {
            release(lease, execution, failure);
            throw failure;
        }
        if (future == null || future.isDone()) {
            release(lease, execution, null);
            return result;
        }
        // The same thread calling again must wait for this lock rather than re-enter it.
        call.detach(lease);
        ReleasedFuture<Object> released = new ReleasedFuture<>(future);
        future.whenComplete((value, failure) -> {
            try {
                release(lease, execution, failure);
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

    /** A stage that does not interoperate may throw here (CompletionStage allows it): then nobody could tell when it ends. */
    private static CompletableFuture<?> toCompletableFuture(CompletionStage<?> stage, MethodInvocation invocation) {
        try {
            return stage.toCompletableFuture();
        } catch (RuntimeException e) {
            Object target = invocation.getThis();
            String method = MethodDescriptions.describe(invocation.getMethod(), target != null ? AopUtils.getTargetClass(target) : null);
            throw new IllegalStateException(method + " returned a " + stage.getClass().getName() + " whose toCompletableFuture() "
                    + "failed, so distlock cannot hold the lock until it completes; the lock was released. Return a "
                    + "CompletableFuture, or a CompletionStage that supports toCompletableFuture()", e);
        }
    }

    private static void release(Lease lease, LockObservations.Execution execution, @Nullable Throwable failure) {
        try {
            lease.close();
        } finally {
            execution.stop(failure);
        }
    }

    /** The caller's future: a cancel goes to the method's own future, whose completion releases the lock and then completes this one. */
    private static final class ReleasedFuture<T> extends CompletableFuture<T> {

        private final CompletableFuture<?> work;

        ReleasedFuture(CompletableFuture<?> work) {
            this.work = work;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            // Not completing this future here: it completes (cancelled) once the release is done.
            return work.cancel(mayInterruptIfRunning) || isCancelled();
        }
    }
}
