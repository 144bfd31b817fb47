package dev.distlock.autoconfigure.interceptor;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import org.aopalliance.intercept.MethodInvocation;

import org.springframework.core.KotlinDetector;
import org.springframework.util.ClassUtils;

/**
 * Kotlin suspend functions in an application that lacks what Spring AOP needs to run them as a
 * Mono: rejected at start-up. Without it, the call returns when the coroutine first suspends, so
 * the lock would be released while the rest of the function still runs (fail closed, not open).
 */
final class SuspendingFunctionRejection implements ReturnTypeHandler {

    // What Spring AOP (AopUtils, CglibAopProxy) and CoroutinesUtils use to run a suspend function as a Mono.
    private static final List<String[]> REQUIRED = List.of(
            new String[] {"reactor.core.publisher.Mono", "io.projectreactor:reactor-core"},
            new String[] {"kotlinx.coroutines.reactor.MonoKt", "org.jetbrains.kotlinx:kotlinx-coroutines-reactor"},
            new String[] {"kotlin.reflect.full.KClasses", "org.jetbrains.kotlin:kotlin-reflect"});

    private final List<String> missing;

    SuspendingFunctionRejection(ClassLoader classLoader) {
        List<String> absent = new ArrayList<>();
        for (String[] required : REQUIRED) {
            if (!ClassUtils.isPresent(required[0], classLoader)) {
                absent.add(required[1]);
            }
        }
        this.missing = List.copyOf(absent);
    }

    /** The artifacts (group:artifact) that are absent; empty when suspend functions can be locked. */
    List<String> missingLibraries() {
        return missing;
    }

    @Override
    public boolean canHandle(Class<?> returnType) {
        return false;
    }

    @Override
    public boolean canHandle(Method method) {
        return KotlinDetector.isSuspendingFunction(method);
    }

    @Override
    public String unsupportedReason(Method method) {
        return "a Kotlin suspend function is locked for the whole coroutine only when Spring can run it as a Mono, "
                + "which needs " + String.join(" and ", missing) + " on the class path; add "
                + (missing.size() == 1 ? "it" : "them") + ", or the lock would be released when the coroutine first "
                + "suspends, while the rest of the function still runs";
    }

    @Override
    public Object invoke(MethodInvocation invocation, LockedCall call) {
        throw new UnsupportedOperationException("rejected at start-up");
    }
}
