package dev.distlock.autoconfigure.interceptor;

import org.jspecify.annotations.Nullable;

/**
 * A {@code @DistributedLock} that cannot work as written, found when its bean is created. The
 * message names the bean (when known), the method as {@code Class.method(ParamTypes)}, the
 * attribute and what to change.
 */
public class InvalidLockAnnotationException extends IllegalStateException {

    private final @Nullable String beanName;
    private final String method;
    private final String attribute;
    private final String problem;

    public InvalidLockAnnotationException(String method, String attribute, String problem) {
        this(null, method, attribute, problem, null);
    }

    public InvalidLockAnnotationException(String method, String attribute, String problem, @Nullable Throwable cause) {
        this(null, method, attribute, problem, cause);
    }

    private InvalidLockAnnotationException(@Nullable String beanName, String method, String attribute, String problem,
                                           @Nullable Throwable cause) {
        super("Invalid @DistributedLock on " + method + (beanName != null ? " of bean '" + beanName + "'" : "")
                + ", attribute " + attribute + ": " + problem, cause);
        this.beanName = beanName;
        this.method = method;
        this.attribute = attribute;
        this.problem = problem;
    }

    /** The same error, naming the bean that declares the method. */
    public InvalidLockAnnotationException forBean(String beanName) {
        return new InvalidLockAnnotationException(beanName, method, attribute, problem, getCause());
    }

    /** The bean declaring the method, or null when found before the bean name was known. */
    public @Nullable String beanName() {
        return beanName;
    }

    /** {@code Class.method(ParamTypes)}. */
    public String method() {
        return method;
    }

    /** The attribute at fault, e.g. {@code 'key'}, or "the return type" / "the method's modifiers". */
    public String attribute() {
        return attribute;
    }
}
