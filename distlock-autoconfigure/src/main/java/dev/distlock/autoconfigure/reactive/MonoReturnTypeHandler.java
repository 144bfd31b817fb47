package dev.distlock.autoconfigure.reactive;

import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import reactor.core.publisher.Mono;

import dev.distlock.Lease;
import dev.distlock.OnLocked;
import dev.distlock.autoconfigure.interceptor.LockedCall;
import dev.distlock.autoconfigure.interceptor.ReturnTypeHandler;

/**
 * Methods returning {@code Mono}: nothing happens until subscription; then the lock is acquired
 * off the Reactor threads, the method runs, and the lock is released when the Mono completes,
 * fails or is cancelled, before the subscriber sees the completion. Held elsewhere: SKIP gives an
 * empty Mono, FAIL a Mono that errors with {@code LockNotAcquiredException}. Inside, the lease is
 * in the Reactor context under {@code Lease.class}.
 */
public final class MonoReturnTypeHandler implements ReturnTypeHandler {

    @Override
    public boolean canHandle(Class<?> returnType) {
        return Mono.class.isAssignableFrom(returnType);
    }

    @Override
    public @Nullable String unsupportedReason(Class<?> returnType) {
        return returnType == Mono.class ? null : returnType.getName() + " is a Mono subclass distlock cannot return "
                + "(the locked call returns a new Mono); declare Mono as the return type";
    }

    @Override
    public Object invoke(MethodInvocation invocation, LockedCall call) {
        return Mono.usingWhen(Mono.fromSupplier(() -> new ReactiveLock(call, invocation)),
                lock -> lock.acquire().flatMap(acquired -> acquired ? run(lock) : lockedElsewhere(call)),
                lock -> lock.release(null), (lock, error) -> lock.release(error), lock -> lock.release(null));
    }

    private static Mono<Object> run(ReactiveLock lock) {
        return Mono.defer(() -> {
            try {
                return Mono.from(lock.proceed());
            } catch (Throwable e) {
                return Mono.error(e);
            }
        }).contextWrite(context -> context.put(Lease.class, lock.lease()));
    }

    private static Mono<Object> lockedElsewhere(LockedCall call) {
        return call.onLocked() == OnLocked.FAIL ? Mono.error(call.notAcquired()) : Mono.empty();
    }
}
