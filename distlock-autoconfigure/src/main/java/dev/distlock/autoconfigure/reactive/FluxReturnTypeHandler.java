package dev.distlock.autoconfigure.reactive;

import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import reactor.core.publisher.Flux;

import dev.distlock.Lease;
import dev.distlock.OnLocked;
import dev.distlock.autoconfigure.interceptor.LockedCall;
import dev.distlock.autoconfigure.interceptor.ReturnTypeHandler;

/**
 * Methods returning {@code Flux}: the lock is acquired on subscription, off the Reactor threads,
 * held while elements flow, and released when the Flux completes, fails or is cancelled (a
 * {@code take(n)} downstream cancels it), before the subscriber sees the completion. Held
 * elsewhere: SKIP gives an empty Flux, FAIL a Flux that errors with {@code LockNotAcquiredException}.
 */
public final class FluxReturnTypeHandler implements ReturnTypeHandler {

    @Override
    public boolean canHandle(Class<?> returnType) {
        return Flux.class.isAssignableFrom(returnType);
    }

    @Override
    public @Nullable String unsupportedReason(Class<?> returnType) {
        return returnType == Flux.class ? null : returnType.getName() + " is a Flux subclass distlock cannot return "
                + "(the locked call returns a new Flux); declare Flux as the return type";
    }

    @Override
    public Object invoke(MethodInvocation invocation, LockedCall call) {
        return Flux.usingWhen(Flux.defer(() -> Flux.just(new ReactiveLock(call, invocation))),
                lock -> lock.acquire().flatMapMany(acquired -> acquired ? run(lock) : lockedElsewhere(call)),
                lock -> lock.release(null), (lock, error) -> lock.release(error), lock -> lock.release(null));
    }

    private static Flux<Object> run(ReactiveLock lock) {
        return Flux.defer(() -> {
            try {
                return Flux.from(lock.proceed());
            } catch (Throwable e) {
                return Flux.error(e);
            }
        }).contextWrite(context -> context.put(Lease.class, lock.lease()));
    }

    private static Flux<Object> lockedElsewhere(LockedCall call) {
        return call.onLocked() == OnLocked.FAIL ? Flux.error(call.notAcquired()) : Flux.empty();
    }
}
