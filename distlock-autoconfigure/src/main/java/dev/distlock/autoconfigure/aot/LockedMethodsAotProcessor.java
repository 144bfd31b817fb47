package dev.distlock.autoconfigure.aot;

import java.lang.reflect.Method;
import java.util.LinkedHashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import dev.distlock.DistributedLock;

/**
 * A key such as {@code #order.id} reads a parameter's properties reflectively, so in a native image
 * the parameter types of every locked method need reflection hints, which only the application's
 * beans can tell. Registered for every bean processed ahead of time; a bean without locked methods
 * contributes nothing.
 */
class LockedMethodsAotProcessor implements BeanRegistrationAotProcessor {

    private final BindingReflectionHintsRegistrar bindings = new BindingReflectionHintsRegistrar();

    @Override
    public @Nullable BeanRegistrationAotContribution processAheadOfTime(RegisteredBean bean) {
        Set<Class<?>> keyTypes = keyParameterTypes(bean.getBeanClass());
        if (keyTypes.isEmpty()) {
            return null;
        }
        return (generationContext, code) -> bindings.registerReflectionHints(
                generationContext.getRuntimeHints().reflection(), keyTypes.toArray(Class<?>[]::new));
    }

    /** Parameter types of the methods whose annotation has a key, on the class or on one of its interfaces. */
    static Set<Class<?>> keyParameterTypes(Class<?> beanClass) {
        Set<Class<?>> types = new LinkedHashSet<>();
        Set<Class<?>> declaring = new LinkedHashSet<>(ClassUtils.getAllInterfacesForClassAsSet(beanClass));
        declaring.add(beanClass);
        for (Class<?> type : declaring) {
            ReflectionUtils.doWithMethods(type, method -> collect(method, types));
        }
        return types;
    }

    private static void collect(Method method, Set<Class<?>> types) {
        DistributedLock lock = AnnotatedElementUtils.findMergedAnnotation(method, DistributedLock.class);
        if (lock == null || lock.key().isBlank()) {
            return;
        }
        for (Class<?> parameter : method.getParameterTypes()) {
            if (!parameter.isPrimitive() && !parameter.getName().startsWith("java.")) {
                types.add(parameter);
            }
        }
    }
}
