package dev.distlock.autoconfigure.interceptor;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.stream.Collectors;

import org.springframework.util.ClassUtils;

/** Renders a method the way error messages name it: {@code OrderService.pay(Order, int)}. */
final class MethodDescriptions {

    private MethodDescriptions() {
    }

    static String describe(Method method, Class<?> targetClass) {
        Class<?> owner = targetClass != null ? ClassUtils.getUserClass(targetClass) : method.getDeclaringClass();
        return owner.getSimpleName() + "." + method.getName() + "("
                + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", ")) + ")";
    }
}
