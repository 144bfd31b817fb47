package dev.distlock.autoconfigure.interceptor;

import org.jspecify.annotations.Nullable;

/**
 * Observes the two phases of a locked call, for tracing: the acquisition and the guarded call.
 * Nothing by default; the Micrometer implementation lives in {@code dev.distlock.autoconfigure.metrics}.
 * Handles are started and stopped by the return-type strategies, which know when a call is done.
 */
public interface LockObservations {

    LockObservations NONE = new LockObservations() {
    };

    /** Started before the engine is asked for {@code fullKey}. */
    default Acquisition startAcquisition(String name, String fullKey, String backend) {
        return Acquisition.NONE;
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
