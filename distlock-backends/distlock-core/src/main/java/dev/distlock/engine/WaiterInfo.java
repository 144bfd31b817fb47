package dev.distlock.engine;

import java.time.Instant;

/** A thread of this engine waiting for a lock, for the Actuator endpoint. */
public record WaiterInfo(String key, String name, Instant since, String thread) {
}
