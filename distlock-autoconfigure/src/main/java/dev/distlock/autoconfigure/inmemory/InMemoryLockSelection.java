package dev.distlock.autoconfigure.inmemory;

import java.util.Map;
import java.util.Objects;

import dev.distlock.inmemory.InMemoryLockBackend;

/**
 * Why the auto-configured in-memory backend is the active one: named by {@code distlock.backend},
 * or the fallback because no backend module is on the class path. The {@code distlock} health
 * contributor shows it next to the backend's own {@code scope}, so that an operator sees that the
 * locks exclude nothing across instances and whether that was meant.
 *
 * @param backend  the backend this describes (the health shows it only while that backend is the engine's)
 * @param explicit chosen by {@code distlock.backend=in-memory}, rather than as the fallback
 */
public record InMemoryLockSelection(InMemoryLockBackend backend, boolean explicit) {

    public InMemoryLockSelection {
        Objects.requireNonNull(backend, "backend");
    }

    /** The health details entry, e.g. {@code selection: explicit: distlock.backend=in-memory}. */
    public Map<String, Object> healthDetails() {
        return Map.of("selection", explicit ? "explicit: distlock.backend=in-memory"
                : "fallback: no distlock backend module is on the class path");
    }
}
