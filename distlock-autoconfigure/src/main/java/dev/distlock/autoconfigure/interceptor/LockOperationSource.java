package dev.distlock.autoconfigure.interceptor;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.env.PropertyResolver;

import dev.distlock.DistributedLock;

/**
 * Which methods are locked and how: finds {@link DistributedLock} on the implementation method or
 * on the interface or superclass method it overrides, parses it once and caches the result per
 * method and target class (with a marker for "not annotated", so that is not looked up again).
 * A call of a method on its own class, the usual case, is looked up by the method alone, so that a
 * call allocates no cache key.
 */
public class LockOperationSource {

    private static final Object NOT_ANNOTATED = new Object();

    private final Map<MethodClassKey, Object> operations = new ConcurrentHashMap<>(1024);
    /** For target classes that declare the method: there the most specific method is the method itself. */
    private final Map<Method, Object> declaredByTarget = new ConcurrentHashMap<>(256);
    private final LockAnnotationParser parser;

    public LockOperationSource(PropertyResolver placeholders, Supplier<LockDefaults> defaults, LockKeyEvaluator keyEvaluator,
                               ReturnTypeHandlers returnTypes) {
        this.parser = new LockAnnotationParser(placeholders, defaults, keyEvaluator, returnTypes);
    }

    /** Quick filter: false when no method of {@code targetClass} can carry the annotation (e.g. JDK classes). */
    public boolean isCandidateClass(Class<?> targetClass) {
        return AnnotationUtils.isCandidateClass(targetClass, DistributedLock.class);
    }

    /**
     * The operation for calls of {@code method} on an instance of {@code targetClass}, or null when
     * it is not annotated. Throws {@link InvalidLockAnnotationException} when the annotation is invalid.
     */
    public @Nullable LockOperation getOperation(Method method, @Nullable Class<?> targetClass) {
        Object cached;
        if (targetClass == method.getDeclaringClass()) {
            cached = declaredByTarget.get(method);
            if (cached == null) {
                cached = parse(method, targetClass);
                declaredByTarget.put(method, cached);
            }
        } else {
            MethodClassKey cacheKey = new MethodClassKey(method, targetClass);
            cached = operations.get(cacheKey);
            if (cached == null) {
                cached = parse(method, targetClass);
                operations.put(cacheKey, cached);
            }
        }
        return cached == NOT_ANNOTATED ? null : (LockOperation) cached;
    }

    private Object parse(Method method, @Nullable Class<?> targetClass) {
        LockOperation parsed = find(method, targetClass);
        return parsed != null ? parsed : NOT_ANNOTATED;
    }

    private @Nullable LockOperation find(Method method, @Nullable Class<?> targetClass) {
        if (method.getDeclaringClass() == Object.class) {
            return null;
        }
        Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
        DistributedLock annotation = AnnotatedElementUtils.findMergedAnnotation(specific, DistributedLock.class);
        if (annotation == null && specific != method) {
            annotation = AnnotatedElementUtils.findMergedAnnotation(method, DistributedLock.class);
        }
        return annotation == null ? null : parser.parse(annotation, specific, targetClass);
    }
}
