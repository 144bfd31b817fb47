package dev.distlock.autoconfigure.actuate;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.beans.factory.ObjectProvider;

import dev.distlock.autoconfigure.DistributedLockProperties;
import dev.distlock.autoconfigure.inmemory.InMemoryLockSelection;
import dev.distlock.engine.LockEngine;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.support.DaemonThreads;

/**
 * The {@code distlock} health check, free of Spring Boot's health types, which differ between
 * Spring Boot lines (4: {@code org.springframework.boot.health.contributor}, 3.5:
 * {@code org.springframework.boot.actuate.health}): each line's indicator turns a {@link Report}
 * into its own {@code Health}.
 *
 * <p>The check runs on a thread of its own and the caller waits for it at most {@code timeout}:
 * a store that hangs makes distlock DOWN, never the health endpoint slow. At most one check runs
 * at a time; requests that arrive meanwhile wait for that one, so a hanging store does not
 * collect a thread per request.
 */
public final class LockBackendHealthCheck {

    private static final Executor CHECK_THREADS =
            runnable -> DaemonThreads.named("distlock-health-check").newThread(runnable).start();

    private final LockBackend backend;
    private final Duration timeout;
    private final Map<String, ?> selectionDetails;
    private final AtomicReference<CompletableFuture<BackendHealth>> inFlight = new AtomicReference<>();

    /**
     * @param selectionDetails shown in every answer, e.g. why the in-memory backend is the active one
     */
    public LockBackendHealthCheck(LockBackend backend, Duration timeout, Map<String, ?> selectionDetails) {
        this.selectionDetails = Map.copyOf(Objects.requireNonNull(selectionDetails, "selectionDetails"));
        this.backend = Objects.requireNonNull(backend, "backend");
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("distlock.health.timeout must be positive, was " + timeout);
        }
        this.timeout = timeout;
    }

    /** The check of the engine's backend, as the auto-configuration of either Spring Boot line defines it. */
    public static LockBackendHealthCheck of(LockEngine lockEngine, DistributedLockProperties properties,
                                            ObjectProvider<InMemoryLockSelection> inMemorySelection) {
        // Only while that in-memory backend is the engine's: an engine of the application's own may use another.
        Map<String, Object> selectionDetails = inMemorySelection.stream()
                .filter(selection -> selection.backend() == lockEngine.backend())
                .findFirst().map(InMemoryLockSelection::healthDetails).orElse(Map.of());
        return new LockBackendHealthCheck(lockEngine.backend(), properties.getHealth().getTimeout(), selectionDetails);
    }

    /** The longest a health request waits for the backend's answer ({@code distlock.health.timeout}). */
    public Duration timeout() {
        return timeout;
    }

    /** Asks the backend, waiting at most the timeout; never throws. */
    public Report check() {
        try {
            BackendHealth answer = currentCheck().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            Map<String, Object> details = new LinkedHashMap<>();
            if (!answer.up()) {
                details.put("reason", answer.reason());
            }
            details.put("backend", backend.name());
            details.putAll(answer.details());
            details.putAll(selectionDetails);
            return new Report(answer.up(), details);
        } catch (TimeoutException e) {
            return down("the " + backend.name() + " backend did not answer within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down("interrupted while waiting for the " + backend.name() + " backend's answer");
        } catch (ExecutionException e) {
            // A health check must not throw, but a backend that does is down, not the endpoint broken.
            return down("the " + backend.name() + " backend's health check failed: " + e.getCause());
        }
    }

    private Report down(String reason) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", reason);
        details.put("backend", backend.name());
        details.putAll(selectionDetails);
        return new Report(false, details);
    }

    private CompletableFuture<BackendHealth> currentCheck() {
        while (true) {
            CompletableFuture<BackendHealth> running = inFlight.get();
            if (running != null && !running.isDone()) {
                return running;
            }
            CompletableFuture<BackendHealth> next = new CompletableFuture<>();
            if (inFlight.compareAndSet(running, next)) {
                CHECK_THREADS.execute(() -> {
                    try {
                        next.complete(backend.health());
                    } catch (Throwable failure) {
                        next.completeExceptionally(failure);
                    }
                });
                return next;
            }
        }
    }

    /**
     * One answer: UP or DOWN, and the details in the order shown (the reason first when DOWN,
     * then the backend, its own details and those about how it was chosen).
     */
    public record Report(boolean up, Map<String, Object> details) {

        public Report {
            details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }
    }
}
