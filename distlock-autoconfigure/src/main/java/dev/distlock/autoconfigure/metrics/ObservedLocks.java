package dev.distlock.autoconfigure.metrics;

import org.jspecify.annotations.Nullable;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import dev.distlock.autoconfigure.interceptor.LockObservations;

/**
 * Micrometer Observations around a locked call's acquisition and around the guarded call, so that
 * a tracing bridge shows spans {@code distlock.acquire} and {@code distlock.execute} with the
 * lock name. The lock name and backend are low-cardinality key values; the full key and the
 * fencing token are high-cardinality (span attributes only, never meter tags).
 *
 * <p>The observations are named {@code distlock.acquisition} and {@code distlock.execution}, not
 * after their spans: a meter handler turns each observation into a timer of the observation's
 * name, and {@code distlock.acquire} is already the timer {@link LockMetrics} records with other
 * tags; one name with two tag sets is rejected by Prometheus.
 */
public final class ObservedLocks implements LockObservations {

    public static final String ACQUISITION = "distlock.acquisition";
    public static final String EXECUTION = "distlock.execution";

    private final ObservationRegistry registry;

    public ObservedLocks(ObservationRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Acquisition startAcquisition(String name, String fullKey, String backend) {
        Observation observation = Observation.createNotStarted(ACQUISITION, registry)
                .contextualName("distlock.acquire")
                .lowCardinalityKeyValues(KeyValues.of("distlock.name", name, "distlock.backend", backend))
                .highCardinalityKeyValue("distlock.key", fullKey)
                .start();
        return new Acquisition() {
            @Override
            public void acquired() {
                observation.lowCardinalityKeyValue("distlock.outcome", "acquired").stop();
            }

            @Override
            public void notAcquired() {
                observation.lowCardinalityKeyValue("distlock.outcome", "not_acquired").stop();
            }

            @Override
            public void failed(Throwable error) {
                observation.lowCardinalityKeyValue("distlock.outcome", "error").error(error).stop();
            }
        };
    }

    @Override
    public Execution startExecution(String name, String fullKey, String backend, long fencingToken) {
        Observation observation = Observation.createNotStarted(EXECUTION, registry)
                .contextualName("distlock.execute")
                .lowCardinalityKeyValues(KeyValues.of("distlock.name", name, "distlock.backend", backend))
                .highCardinalityKeyValues(KeyValues.of("distlock.key", fullKey, "distlock.fencing-token", Long.toString(fencingToken)))
                .start();
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
}
