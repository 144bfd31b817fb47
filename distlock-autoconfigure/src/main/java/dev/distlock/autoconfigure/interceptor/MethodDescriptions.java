package dev.distlock.autoconfigure.interceptor;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.core.KotlinDetector;
import org.springframework.util.ClassUtils;

/**
 * Renders a method the way error messages name it: {@code OrderService.pay(Order, int)}; a Kotlin
 * suspend function as its author wrote it, {@code suspend OrderService.pay(Order)}, without the
 * Continuation the compiler adds.
 */
final class MethodDescriptions {

    private MethodDescriptions() {
    }

    static String describe(Method method, @Nullable Class<?> targetClass) {
        Class<?> owner = targetClass != null ? ClassUtils.getUserClass(targetClass) : method.getDeclaringClass();
        boolean suspending = KotlinDetector.isSuspendingFunction(method);
        Class<?>[] parameters = method.getParameterTypes();
        return (suspending ? "suspend " : "") + owner.getSimpleName() + "." + method.getName() + "("
                + Arrays.stream(parameters, 0, suspending ? parameters.length - 1 : parameters.length)
                        .map(Class::getSimpleName).collect(Collectors.joining(", ")) + ")";
    }
}
