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
 */
public class LockOperationSource {

    private static final Object NOT_ANNOTATED = new Object();

    private final Map<MethodClassKey, Object> operations = new ConcurrentHashMap<>(1024);
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
        MethodClassKey cacheKey = new MethodClassKey(method, targetClass);
        Object cached = operations.get(cacheKey);
        if (cached == null) {
            LockOperation parsed = find(method, targetClass);
            cached = parsed != null ? parsed : NOT_ANNOTATED;
            operations.put(cacheKey, cached);
        }
        return cached == NOT_ANNOTATED ? null : (LockOperation) cached;
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
