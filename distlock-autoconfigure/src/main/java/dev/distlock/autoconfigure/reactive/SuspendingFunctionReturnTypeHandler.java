package dev.distlock.autoconfigure.reactive;

import java.lang.reflect.Method;

import org.aopalliance.intercept.MethodInvocation;

import org.jspecify.annotations.Nullable;
import org.springframework.core.KotlinDetector;
import org.springframework.core.MethodParameter;
import org.springframework.core.Nullness;

import kotlin.Unit;

import dev.distlock.autoconfigure.interceptor.LockedCall;
import dev.distlock.autoconfigure.interceptor.ReturnTypeHandler;

/**
 * Kotlin suspend functions (other than those returning {@code Flow}): locked like a {@code Mono},
 * from the coroutine's start to its end, across every suspension.
 *
 * <p>Spring AOP runs a suspend function as a Mono (with kotlinx-coroutines-reactor present): the
 * end of the interceptor chain returns a cold Mono of the coroutine (Spring's
 * {@code CoroutinesUtils.invokeSuspendingFunction}, in the caller's coroutine context), and the
 * proxy hands its result back to the caller with {@code awaitSingleOrNull}. So this strategy only
 * returns a locked Mono, as {@link MonoReturnTypeHandler} does: the lock is acquired when the proxy
 * subscribes, on a bounded-elastic thread while the caller is suspended, and released when the
 * coroutine returns, throws or is cancelled (a cancelled caller cancels the subscription). Held
 * elsewhere: SKIP resumes the caller with null, FAIL throws {@code LockNotAcquiredException} in it.
 * Inside, the lease is in the coroutine's {@code ReactorContext} under {@code Lease.class}.
 */
public final class SuspendingFunctionReturnTypeHandler implements ReturnTypeHandler {

    private final MonoReturnTypeHandler mono = new MonoReturnTypeHandler();

    @Override
    public boolean canHandle(Class<?> returnType) {
        return false;
    }

    @Override
    public boolean canHandle(Method method) {
        return KotlinDetector.isSuspendingFunction(method) && !SuspendingFlowReturnTypeHandler.returnsFlow(method);
    }

    @Override
    public @Nullable String skipUnsupportedReason(Method method) {
        if (Nullness.forMethodReturnType(method) != Nullness.NON_NULL) {
            return null;
        }
        Class<?> type = new MethodParameter(method, -1).getParameterType();
        if (type == Unit.class || type == void.class || type == Void.class) {
            return null; // Spring resumes the caller of a Unit function with null in any case
        }
        return "SKIP resumes the caller with null when the lock is held elsewhere, which a suspend function "
                + "returning a non-null " + type.getSimpleName() + " cannot; declare the return type nullable "
                + "(add ?), or use OnLocked.FAIL";
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation, LockedCall call) {
        return mono.invoke(invocation, call);
    }
}
