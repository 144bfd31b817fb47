package dev.distlock.autoconfigure.interceptor;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.PropertyResolver;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.annotation.Schedules;
import org.springframework.util.ClassUtils;

import dev.distlock.DistributedLock;
import dev.distlock.LockOptions;
import dev.distlock.OnLocked;
import dev.distlock.autoconfigure.scheduling.CronSlots;

/**
 * Turns one {@link DistributedLock} into a {@link LockOperation}, checking everything that can be
 * checked before the first call; every problem is an {@link InvalidLockAnnotationException}.
 */
final class LockAnnotationParser {

    private final PropertyResolver placeholders;
    private final Supplier<LockDefaults> defaults;
    private final LockKeyEvaluator keyEvaluator;
    private final ReturnTypeHandlers returnTypes;

    LockAnnotationParser(PropertyResolver placeholders, Supplier<LockDefaults> defaults, LockKeyEvaluator keyEvaluator,
                         ReturnTypeHandlers returnTypes) {
        this.placeholders = placeholders;
        this.defaults = defaults;
        this.keyEvaluator = keyEvaluator;
        this.returnTypes = returnTypes;
    }

    LockOperation parse(DistributedLock annotation, Method method, @Nullable Class<?> targetClass) {
        String description = MethodDescriptions.describe(method, targetClass);
        checkInterceptable(method, description);
        OnLocked onLocked = onLocked(annotation.onLocked(), method);
        ReturnTypeHandler returnTypeHandler = returnTypeHandler(method, description, onLocked);
        LockDefaults configured = defaults.get();
        Duration lease = duration(annotation.lease(), "'lease'", description, configured.lease(), "distlock.default-lease");
        if (lease.isZero() || lease.isNegative()) {
            throw new InvalidLockAnnotationException(description, "'lease'", "must be positive, was " + lease
                    + (annotation.lease().isBlank() ? " (from distlock.default-lease)" : ""));
        }
        Duration waitFor = duration(annotation.waitFor(), "'waitFor'", description, configured.waitFor(), "distlock.default-wait-for");
        requireNotNegative(waitFor, "'waitFor'", description);
        Duration holdAtLeast = duration(annotation.holdAtLeast(), "'holdAtLeast'", description, Duration.ZERO, null);
        requireNotNegative(holdAtLeast, "'holdAtLeast'", description);
        Duration maxHold = duration(annotation.maxHold(), "'maxHold'", description, LockOptions.NO_MAX_HOLD, null);
        requireNotNegative(maxHold, "'maxHold'", description);
        if (!maxHold.isZero() && maxHold.compareTo(lease) < 0) {
            throw new InvalidLockAnnotationException(description, "'maxHold'", "must not be shorter than the lease ("
                    + lease + "), was " + maxHold);
        }
        String name = annotation.name().isBlank()
                ? ClassUtils.getUserClass(targetClass != null ? targetClass : method.getDeclaringClass()).getSimpleName() + "." + method.getName()
                : annotation.name();
        String key = annotation.key().trim();
        if (!key.isEmpty()) {
            keyEvaluator.validate(key, method, description);
        }
        LockOptions options = new LockOptions(name, lease, waitFor, holdAtLeast, annotation.autoRenew(), annotation.fair(), maxHold);
        return new LockOperation(method, description, name, key, options, onLocked, returnTypeHandler,
                CronSlots.of(method, placeholders), annotation.fenced());
    }

    /** A scheduled run that finds its lock held elsewhere is another replica's run: skipped, not an error in every log. */
    private static OnLocked onLocked(OnLocked declared, Method method) {
        if (declared != OnLocked.DEFAULT) {
            return declared;
        }
        return AnnotatedElementUtils.hasAnnotation(method, Scheduled.class)
                || AnnotatedElementUtils.hasAnnotation(method, Schedules.class) ? OnLocked.SKIP : OnLocked.FAIL;
    }

    /** Spring's proxies see neither private nor static methods, and a class-based proxy cannot override a final one. */
    private static void checkInterceptable(Method method, String description) {
        int modifiers = method.getModifiers();
        String problem = Modifier.isPrivate(modifiers) ? "private" : Modifier.isStatic(modifiers) ? "static"
                : Modifier.isFinal(modifiers) ? "final" : null;
        if (problem != null) {
            throw new InvalidLockAnnotationException(description, "(the method's modifiers)", "the method is " + problem
                    + ", so no proxy can intercept its calls and the lock would silently never be taken; "
                    + "make it public (or protected) and not " + (problem.equals("private") ? "static or final" : problem));
        }
    }

    private ReturnTypeHandler returnTypeHandler(Method method, String description, OnLocked onLocked) {
        ReturnTypeHandler handler = returnTypes.forMethod(method);
        String unsupported = handler.unsupportedReason(method);
        if (unsupported != null) {
            throw new InvalidLockAnnotationException(description, "(the return type)", unsupported);
        }
        String skipUnsupported = onLocked == OnLocked.SKIP ? handler.skipUnsupportedReason(method) : null;
        if (skipUnsupported != null) {
            throw new InvalidLockAnnotationException(description, "'onLocked'", skipUnsupported);
        }
        return handler;
    }

    private Duration duration(String value, String attribute, String description, @Nullable Duration configured,
                              @Nullable String property) {
        if (value.isBlank()) {
            if (configured == null) {
                throw new InvalidLockAnnotationException(description, attribute, property + " is not set");
            }
            return configured;
        }
        String resolved;
        try {
            resolved = placeholders.resolveRequiredPlaceholders(value).trim();
        } catch (IllegalArgumentException e) {
            throw new InvalidLockAnnotationException(description, attribute, "'" + value + "' has a placeholder that "
                    + "cannot be resolved: " + e.getMessage(), e);
        }
        try {
            return DurationStyle.detectAndParse(resolved);
        } catch (IllegalArgumentException e) {
            throw new InvalidLockAnnotationException(description, attribute, "'" + resolved + "' is not a duration; "
                    + "write it as 10s, 500ms, 2m or PT10S", e);
        }
    }

    private static void requireNotNegative(Duration value, String attribute, String description) {
        if (value.isNegative()) {
            throw new InvalidLockAnnotationException(description, attribute, "must not be negative, was " + value);
        }
    }
}
