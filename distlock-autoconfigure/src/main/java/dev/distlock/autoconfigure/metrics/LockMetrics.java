package dev.distlock.autoconfigure.metrics;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.distlock.engine.LockEventListener;

/**
 * The distlock meters, recorded from the engine's events. Tags are {@code backend} and
 * {@code name} (the lock name as written in the annotation), plus {@code outcome} where a meter
 * has one; never the evaluated key, whose values are unbounded.
 *
 * <ul>
 * <li>{@code distlock.acquire} timer: time spent acquiring, outcome {@code acquired},
 * {@code not_acquired} (held elsewhere past waitFor) or {@code error} (the store could not be asked);</li>
 * <li>{@code distlock.held} timer: how long locks were held;</li>
 * <li>{@code distlock.lost} counter: leases lost while held;</li>
 * <li>{@code distlock.renewals} counter: outcome {@code renewed} or {@code failed} (refused or store unreachable);</li>
 * <li>{@code distlock.active} gauge: locks held now.</li>
 * </ul>
 */
public final class LockMetrics implements LockEventListener {

    public static final String ACQUIRE = "distlock.acquire";
    public static final String HELD = "distlock.held";
    public static final String LOST = "distlock.lost";
    public static final String RENEWALS = "distlock.renewals";
    public static final String ACTIVE = "distlock.active";

    private final MeterRegistry registry;
    private final String backend;
    private final ConcurrentMap<String, AtomicLong> active = new ConcurrentHashMap<>();

    public LockMetrics(MeterRegistry registry, String backend) {
        this.registry = registry;
        this.backend = backend;
    }

    @Override
    public void acquired(String name, String key, long fencingToken, Duration waited) {
        acquireTimer(name, "acquired").record(waited);
        activeLocks(name).incrementAndGet();
    }

    @Override
    public void notAcquired(String name, String key, Duration waited) {
        acquireTimer(name, "not_acquired").record(waited);
    }

    @Override
    public void acquireFailed(String name, String key, Duration waited, RuntimeException error) {
        acquireTimer(name, "error").record(waited);
    }

    @Override
    public void released(String name, String key, Duration held) {
        Timer.builder(HELD).description("How long distlock locks were held")
                .tags("backend", backend, "name", name).register(registry).record(held);
        activeLocks(name).decrementAndGet();
    }

    @Override
    public void renewed(String name, String key, boolean extended) {
        Counter.builder(RENEWALS).description("Lease renewals of held distlock locks")
                .tags("backend", backend, "name", name, "outcome", extended ? "renewed" : "failed")
                .register(registry).increment();
    }

    @Override
    public void lost(String name, String key, String reason) {
        Counter.builder(LOST).description("distlock leases lost while held")
                .tags("backend", backend, "name", name).register(registry).increment();
    }

    private Timer acquireTimer(String name, String outcome) {
        return Timer.builder(ACQUIRE).description("Time spent acquiring distlock locks")
                .tags("backend", backend, "name", name, "outcome", outcome).register(registry);
    }

    private AtomicLong activeLocks(String name) {
        return active.computeIfAbsent(name, lockName -> {
            AtomicLong count = new AtomicLong();
            Gauge.builder(ACTIVE, count, AtomicLong::get).description("distlock locks held now by this instance")
                    .tags("backend", backend, "name", lockName).register(registry);
            return count;
        });
    }
}
