package dev.distlock.autoconfigure.actuate;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.LockBackend;

/**
 * The health contributor {@code distlock}: UP when the active backend answers its health check
 * within the timeout, DOWN with the reason otherwise, with the backend's own details and any that
 * the auto-configuration adds about how the backend was chosen.
 *
 * <p>The check runs on a thread of its own and the endpoint waits for it at most {@code timeout}:
 * a store that hangs makes distlock DOWN, never the health endpoint slow. At most one check runs
 * at a time; requests that arrive meanwhile wait for that one, so a hanging store does not
 * collect a thread per request.
 */
public final class DistributedLockHealthIndicator implements HealthIndicator {

    private static final Executor CHECK_THREADS = runnable -> {
        Thread thread = new Thread(runnable, "distlock-health-check");
        thread.setDaemon(true);
        thread.start();
    };

    private final LockBackend backend;
    private final Duration timeout;
    private final Map<String, ?> selectionDetails;
    private final AtomicReference<CompletableFuture<BackendHealth>> inFlight = new AtomicReference<>();

    public DistributedLockHealthIndicator(LockBackend backend, Duration timeout) {
        this(backend, timeout, Map.of());
    }

    /**
     * @param selectionDetails shown in every answer, e.g. why the in-memory backend is the active one
     */
    public DistributedLockHealthIndicator(LockBackend backend, Duration timeout, Map<String, ?> selectionDetails) {
        this.selectionDetails = Map.copyOf(Objects.requireNonNull(selectionDetails, "selectionDetails"));
        this.backend = Objects.requireNonNull(backend, "backend");
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("distlock.health.timeout must be positive, was " + timeout);
        }
        this.timeout = timeout;
    }

    @Override
    public Health health() {
        try {
            BackendHealth answer = currentCheck().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            Health.Builder builder = answer.up() ? Health.up() : Health.down().withDetail("reason", answer.reason());
            return builder.withDetail("backend", backend.name()).withDetails(answer.details()).withDetails(selectionDetails).build();
        } catch (TimeoutException e) {
            return down("the " + backend.name() + " backend did not answer within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down("interrupted while waiting for the " + backend.name() + " backend's answer");
        } catch (ExecutionException e) {
            // health() must not throw, but a backend that does is down, not the endpoint broken.
            return down("the " + backend.name() + " backend's health check failed: " + e.getCause());
        }
    }

    private Health down(String reason) {
        return Health.down().withDetail("reason", reason).withDetail("backend", backend.name())
                .withDetails(selectionDetails).build();
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
}
