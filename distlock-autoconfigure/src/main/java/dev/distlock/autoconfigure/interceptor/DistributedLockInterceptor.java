package dev.distlock.autoconfigure.interceptor;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;

import dev.distlock.engine.LockEngine;

/**
 * Runs a {@code @DistributedLock} method under its lock: looks up the parsed operation, evaluates
 * the key, and hands the call to the operation's return-type strategy, which takes the lock (at
 * once, or on subscription) and releases it when the result is complete. Everything else lives in
 * those collaborators.
 */
public final class DistributedLockInterceptor implements MethodInterceptor {

    private final LockOperationSource operations;
    private final LockKeyEvaluator keys;
    private final Supplier<LockEngine> engine;
    private final Supplier<LockObservations> observations;
    private final Supplier<Clock> schedulerClock;
    /**
     * The full key of each method without a key expression, by lock name: built once rather than on
     * every call. As many entries as annotated methods; the engine, and so its namespace, is one.
     */
    private final Map<String, String> keylessFullKeys = new ConcurrentHashMap<>();

    /** {@code engine} is looked up on the first call, so that creating the interceptor pulls in no store connection. */
    public DistributedLockInterceptor(LockOperationSource operations, LockKeyEvaluator keys, Supplier<LockEngine> engine) {
        this(operations, keys, engine, () -> LockObservations.NONE, Clock::systemUTC);
    }

    /**
     * Also observing each call's acquisition and guarded call, for tracing, and reading the time of
     * cron-scheduled calls from {@code schedulerClock} (the clock that fired them); both looked up
     * on the first call as well.
     */
    public DistributedLockInterceptor(LockOperationSource operations, LockKeyEvaluator keys, Supplier<LockEngine> engine,
                                      Supplier<LockObservations> observations, Supplier<Clock> schedulerClock) {
        this.operations = operations;
        this.keys = keys;
        this.engine = engine;
        this.observations = observations;
        this.schedulerClock = schedulerClock;
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        Object target = invocation.getThis();
        Class<?> targetClass = target != null ? AopUtils.getTargetClass(target) : null;
        LockOperation operation = operations.getOperation(invocation.getMethod(), targetClass);
        if (operation == null) {
            return invocation.proceed();
        }
        LockEngine locks = engine.get();
        String fullKey = operation.hasKey()
                ? locks.fullKey(operation.name(), keyValue(operation, invocation.getArguments(), target, targetClass))
                : keylessFullKey(locks, operation.name());
        LockedCall call = new LockedCall(locks, operation, fullKey, schedulerClock, observations.get());
        return operation.returnTypeHandler().invoke(invocation, call);
    }

    private String keylessFullKey(LockEngine locks, String name) {
        String fullKey = keylessFullKeys.get(name);
        if (fullKey == null) {
            fullKey = locks.fullKey(name);
            keylessFullKeys.put(name, fullKey);
        }
        return fullKey;
    }

    private String keyValue(LockOperation operation, Object[] args, Object target, Class<?> targetClass) {
        Object value;
        try {
            value = keys.evaluate(operation, args, target, targetClass);
        } catch (RuntimeException e) {
            throw new LockKeyException("The @DistributedLock key '" + operation.keyExpression() + "' of "
                    + operation.description() + " could not be evaluated: " + e.getMessage(), e);
        }
        String key = value != null ? value.toString() : null;
        if (key == null || key.isBlank()) {
            throw new LockKeyException("The @DistributedLock key '" + operation.keyExpression() + "' of "
                    + operation.description() + " evaluated to " + (key == null ? "null" : "a blank string")
                    + "; the method was not run, because running it unlocked could break what the lock protects", null);
        }
        return key;
    }
}
