package dev.distlock.engine;

import java.time.Duration;

/**
 * Hooks for metrics and tracing. {@code name} is the low-cardinality lock name (as written in the
 * annotation); {@code key} the full, evaluated key. Called on the engine's threads: keep it fast.
 */
public interface LockEventListener {

    LockEventListener NONE = new LockEventListener() {
    };

    default void acquired(String name, String key, long fencingToken, Duration waited) {
    }

    default void notAcquired(String name, String key, Duration waited) {
    }

    default void acquireFailed(String name, String key, Duration waited, RuntimeException error) {
    }

    default void released(String name, String key, Duration held) {
    }

    default void renewed(String name, String key, boolean extended) {
    }

    default void lost(String name, String key, String reason) {
    }

    default void atRisk(String reason) {
    }
}
