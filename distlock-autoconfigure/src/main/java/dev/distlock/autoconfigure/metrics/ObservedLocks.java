package dev.distlock.autoconfigure.metrics;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import dev.distlock.autoconfigure.interceptor.LockObservations;
import dev.distlock.autoconfigure.metrics.DistributedLockObservationContext.Outcome;

/**
 * Micrometer Observations of a lock's acquisition and of the time it is held, so that a tracing
 * bridge shows spans {@code distlock.acquire} and {@code distlock.execute}; names and key values come
 * from the {@link DistributedLockObservationConvention}: the user's bean, else a global one
 * registered with the {@link ObservationRegistry}, else {@link DefaultDistributedLockObservationConvention}.
 *
 * <p>These observations make no meters: {@link LockObservationMeterHandler} keeps Spring Boot's meter
 * handler from deriving timers from them, because {@link LockMetrics} records the contract's meters
 * from the engine, for every way a lock is taken.
 */
public final class ObservedLocks implements LockObservations {

    private final ObservationRegistry registry;
    private final @Nullable DistributedLockObservationConvention convention;

    /** {@code convention} null: the registry's global convention for these contexts, else the default. */
    public ObservedLocks(ObservationRegistry registry, @Nullable DistributedLockObservationConvention convention) {
        this.registry = registry;
        this.convention = convention;
    }

    @Override
    public Acquisition startAcquisition(String name, String fullKey, String backend) {
        DistributedLockObservationContext context = DistributedLockObservationContext.acquisition(name, fullKey, backend);
        Observation observation = observation(context).start();
        return new Acquisition() {
            @Override
            public void acquired() {
                stop(Outcome.ACQUIRED, null);
            }

            @Override
            public void notAcquired() {
                stop(Outcome.NOT_ACQUIRED, null);
            }

            @Override
            public void failed(Throwable error) {
                stop(Outcome.ERROR, error);
            }

            private void stop(Outcome outcome, @Nullable Throwable error) {
                context.outcome(outcome);
                if (error != null) {
                    observation.error(error);
                }
                observation.stop();
            }
        };
    }

    @Override
    public Execution startExecution(String name, String fullKey, String backend, long fencingToken) {
        Observation observation = observation(DistributedLockObservationContext.execution(name, fullKey, backend, fencingToken)).start();
        return new Execution() {
            @Override
            public Scope openScope() {
                Observation.Scope scope = observation.openScope();
                return scope::close;
            }

            @Override
            public void stop(@Nullable Throwable error) {
                if (error != null) {
                    observation.error(error);
                }
                observation.stop();
            }
        };
    }

    private Observation observation(DistributedLockObservationContext context) {
        return Observation.createNotStarted(convention, DefaultDistributedLockObservationConvention.INSTANCE, () -> context, registry);
    }
}
