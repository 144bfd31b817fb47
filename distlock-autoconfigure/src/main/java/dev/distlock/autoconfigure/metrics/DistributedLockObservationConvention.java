package dev.distlock.autoconfigure.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and key values of distlock's observations. Declare a bean of this type to replace
 * {@link DefaultDistributedLockObservationConvention} (extend it to add key values). The
 * observation's name comes from its {@link DistributedLockObservationContext.Phase} unless
 * {@link #getName()} gives one.
 *
 * <p>The observations are for tracing: distlock's meters come from the lock engine
 * ({@link LockMetrics}), so a convention changes spans, not the {@code distlock.*} meters.
 */
public interface DistributedLockObservationConvention extends ObservationConvention<DistributedLockObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof DistributedLockObservationContext;
    }
}
