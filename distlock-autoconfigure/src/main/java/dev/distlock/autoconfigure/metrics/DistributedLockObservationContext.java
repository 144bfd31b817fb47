package dev.distlock.autoconfigure.metrics;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link DistributedLockObservationConvention} sees of one phase of a lock: the
 * acquisition ({@code distlock.acquisition}) or the time the lock is held and the guarded code
 * runs ({@code distlock.execution}).
 */
public final class DistributedLockObservationContext extends Observation.Context {

    /** The two observed phases of a lock, each an observation of its own name. */
    public enum Phase {
        ACQUISITION("distlock.acquisition"), EXECUTION("distlock.execution");

        private final String observationName;

        Phase(String observationName) {
            this.observationName = observationName;
        }

        public String observationName() {
            return observationName;
        }
    }

    /** How an acquisition ended; the values are the {@code outcome} tag of {@code distlock.acquire}. */
    public enum Outcome {
        ACQUIRED("acquired"), NOT_ACQUIRED("not_acquired"), ERROR("error");

        private final String value;

        Outcome(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }
    }

    private final Phase phase;
    private final String lockName;
    private final String fullKey;
    private final String backend;
    private final long fencingToken;
    private volatile @Nullable Outcome outcome;

    private DistributedLockObservationContext(Phase phase, String lockName, String fullKey, String backend, long fencingToken) {
        this.phase = phase;
        this.lockName = lockName;
        this.fullKey = fullKey;
        this.backend = backend;
        this.fencingToken = fencingToken;
        setName(phase.observationName());
    }

    static DistributedLockObservationContext acquisition(String lockName, String fullKey, String backend) {
        return new DistributedLockObservationContext(Phase.ACQUISITION, lockName, fullKey, backend, 0);
    }

    static DistributedLockObservationContext execution(String lockName, String fullKey, String backend, long fencingToken) {
        return new DistributedLockObservationContext(Phase.EXECUTION, lockName, fullKey, backend, fencingToken);
    }

    public Phase phase() {
        return phase;
    }

    /** The low-cardinality lock name: the annotation's {@code name}, or the options' name. */
    public String lockName() {
        return lockName;
    }

    /** The full evaluated key, {@code <namespace>:<name>:<key>}: high cardinality. */
    public String fullKey() {
        return fullKey;
    }

    public String backend() {
        return backend;
    }

    /** The lease's fencing token during {@link Phase#EXECUTION}; 0 during the acquisition. */
    public long fencingToken() {
        return fencingToken;
    }

    /** How the acquisition ended; null before it has, and during {@link Phase#EXECUTION}. */
    public @Nullable Outcome outcome() {
        return outcome;
    }

    void outcome(Outcome outcome) {
        this.outcome = outcome;
    }
}
