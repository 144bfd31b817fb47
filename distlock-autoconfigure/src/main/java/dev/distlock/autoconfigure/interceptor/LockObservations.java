package dev.distlock.autoconfigure.interceptor;

import java.util.Optional;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.distlock.Lease;

/**
 * Observes the two phases of a lock, for tracing: the acquisition and the time it is held (the guarded call).
 * Nothing by default; the Micrometer implementation lives in {@code dev.distlock.autoconfigure.metrics}.
 * Handles are started and stopped by the return-type strategies, which know when a call is done,
 * and by {@link ObservedDistributedLocks} for the programmatic API.
 */
public interface LockObservations {

    LockObservations NONE = new LockObservations() {
    };

    /** Started before the engine is asked for {@code fullKey}. */
    default Acquisition startAcquisition(String name, String fullKey, String backend) {
        return Acquisition.NONE;
    }

    /** Runs {@code attempt}, which asks the engine for {@code fullKey}, observed as one acquisition. */
    default Optional<Lease> observeAcquisition(String name, String fullKey, String backend, Supplier<Optional<Lease>> attempt) {
        Acquisition observation = startAcquisition(name, fullKey, backend);
        Optional<Lease> lease;
        try {
            lease = attempt.get();
        } catch (RuntimeException | Error e) {
            observation.failed(e);
            throw e;
        }
        if (lease.isPresent()) {
            observation.acquired();
        } else {
            observation.notAcquired();
        }
        return lease;
    }

    /** Started when the lock was granted, stopped when the lock is released. */
    default Execution startExecution(String name, String fullKey, String backend, long fencingToken) {
        return Execution.NONE;
    }

    /** One acquisition being observed. */
    interface Acquisition {

        Acquisition NONE = new Acquisition() {
        };

        default void acquired() {
        }

        default void notAcquired() {
        }

        default void failed(Throwable error) {
        }
    }

    /** One guarded call being observed. */
    interface Execution {

        Execution NONE = new Execution() {
        };

        /** Makes the observation current on this thread (child spans of the call), until the scope is closed. */
        default Scope openScope() {
            return () -> {
            };
        }

        /** Ends the observation; {@code error} is null when the call succeeded. */
        default void stop(@Nullable Throwable error) {
        }
    }

    /** Closes what {@link Execution#openScope()} opened, on the thread that opened it. */
    @FunctionalInterface
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
