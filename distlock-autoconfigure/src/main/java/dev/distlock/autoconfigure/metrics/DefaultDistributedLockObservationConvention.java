package dev.distlock.autoconfigure.metrics;

import io.micrometer.common.KeyValues;

import dev.distlock.autoconfigure.metrics.DistributedLockObservationContext.Phase;

/**
 * Spans {@code distlock.acquire} and {@code distlock.execute}; the lock name, the backend and the
 * acquisition's outcome are low-cardinality key values, the full key and the fencing token
 * high-cardinality ones (span attributes only).
 */
public class DefaultDistributedLockObservationConvention implements DistributedLockObservationConvention {

    public static final DefaultDistributedLockObservationConvention INSTANCE = new DefaultDistributedLockObservationConvention();

    @Override
    public String getContextualName(DistributedLockObservationContext context) {
        return context.phase() == Phase.ACQUISITION ? "distlock.acquire" : "distlock.execute";
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(DistributedLockObservationContext context) {
        KeyValues keyValues = KeyValues.of("distlock.name", context.lockName(), "distlock.backend", context.backend());
        return context.outcome() != null ? keyValues.and("distlock.outcome", context.outcome().value()) : keyValues;
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(DistributedLockObservationContext context) {
        KeyValues keyValues = KeyValues.of("distlock.key", context.fullKey());
        return context.phase() == Phase.EXECUTION
                ? keyValues.and("distlock.fencing-token", Long.toString(context.fencingToken())) : keyValues;
    }
}
