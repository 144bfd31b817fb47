package dev.distlock.autoconfigure.reactive;

import java.lang.reflect.Method;

import org.aopalliance.intercept.MethodInvocation;

import org.jspecify.annotations.Nullable;
import org.springframework.core.KotlinDetector;
import org.springframework.core.MethodParameter;

import kotlinx.coroutines.flow.Flow;

import dev.distlock.autoconfigure.interceptor.LockedCall;
import dev.distlock.autoconfigure.interceptor.ReturnTypeHandler;

/**
 * Kotlin suspend functions returning {@code Flow}: locked like a {@code Flux}, from the start of
 * each collection until the flow completes, fails or its collector stops. Calling the function
 * takes no lock; collecting does. Spring AOP gives this strategy the flow as a Flux and turns the
 * locked Flux it returns back into a Flow for the caller. Held elsewhere: SKIP gives an empty flow,
 * FAIL one that throws {@code LockNotAcquiredException} when collected.
 */
public final class SuspendingFlowReturnTypeHandler implements ReturnTypeHandler {

    private final FluxReturnTypeHandler flux = new FluxReturnTypeHandler();

    /** The declared (Kotlin) return type, which Spring resolves for a suspend function. */
    static boolean returnsFlow(Method method) {
        return Flow.class.isAssignableFrom(new MethodParameter(method, -1).getParameterType());
    }

    @Override
    public boolean canHandle(Class<?> returnType) {
        return false;
    }

    @Override
    public boolean canHandle(Method method) {
        return KotlinDetector.isSuspendingFunction(method) && returnsFlow(method);
    }

    @Override
    public @Nullable String skipUnsupportedReason(Method method) {
        return null;
    }

    @Override
    public Object invoke(MethodInvocation invocation, LockedCall call) {
        return flux.invoke(invocation, call);
    }
}
