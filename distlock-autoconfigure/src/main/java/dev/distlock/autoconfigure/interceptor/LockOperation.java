package dev.distlock.autoconfigure.interceptor;

import java.lang.reflect.Method;

import dev.distlock.LockOptions;
import dev.distlock.OnLocked;

/**
 * A {@code @DistributedLock} as parsed once when its bean was created: real durations, the lock
 * name, the key expression (empty for one lock per method) and the strategy for the return type.
 *
 * @param method        the most specific method, whose parameter names the key may use
 * @param description   {@code Class.method(ParamTypes)} for messages
 * @param name          the lock name: the annotation's, else {@code SimpleClassName.methodName}
 * @param keyExpression the SpEL key, or empty
 */
public record LockOperation(Method method, String description, String name, String keyExpression,
                            LockOptions options, OnLocked onLocked, ReturnTypeHandler returnTypeHandler) {

    public boolean hasKey() {
        return !keyExpression.isEmpty();
    }
}
