package dev.distlock.autoconfigure.metrics;

import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;

import org.springframework.core.Ordered;

/**
 * Claims distlock's observations in Spring Boot's group of meter handlers, which passes each
 * observation to the first handler that supports it, and records nothing: without it Boot's
 * default handler would derive a second set of timers ({@code distlock.acquisition},
 * {@code distlock.execution} and their {@code .active} long-task timers) next to the contract's
 * {@code distlock.acquire} and {@code distlock.held}, which {@link LockMetrics} records from the engine.
 * Tracing handlers are another group and still turn the observations into spans.
 */
public final class LockObservationMeterHandler implements MeterObservationHandler<DistributedLockObservationContext>, Ordered {

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof DistributedLockObservationContext;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
