package dev.distlock.autoconfigure.interceptor;

import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.distlock.LockOptions;
import dev.distlock.OnLocked;
import dev.distlock.autoconfigure.scheduling.CronSlots;

/**
 * A {@code @DistributedLock} as parsed once when its bean was created: real durations, the lock
 * name, the key expression (empty for one lock per method) and the strategy for the return type.
 *
 * @param method        the most specific method, whose parameter names the key may use
 * @param description   {@code Class.method(ParamTypes)} for messages
 * @param name          the lock name: the annotation's, else {@code SimpleClassName.methodName}
 * @param keyExpression the SpEL key, or empty
 * @param cronSlots     the method's {@code @Scheduled} cron schedule, or null: then each run holds
 *                      its lock until shortly before the next fire time
 * @param fenced        {@code fenced = true}: fenced writes under the lease require it to be valid
 */
public record LockOperation(Method method, String description, String name, String keyExpression,
                            LockOptions options, OnLocked onLocked, ReturnTypeHandler returnTypeHandler,
                            @Nullable CronSlots cronSlots, boolean fenced) {

    public boolean hasKey() {
        return !keyExpression.isEmpty();
    }

    /**
     * The options for a call starting at {@code now} by the scheduler's clock: for a cron-scheduled
     * method, {@code holdAtLeast} is raised to last until shortly before the next fire time.
     */
    public LockOptions optionsAt(Instant now) {
        if (cronSlots == null) {
            return options;
        }
        Duration untilNextSlot = cronSlots.holdFor(now);
        return untilNextSlot.compareTo(options.holdAtLeast()) > 0 ? options.withHoldAtLeast(untilNextSlot) : options;
    }
}
