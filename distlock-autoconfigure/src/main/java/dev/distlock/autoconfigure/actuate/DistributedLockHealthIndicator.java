package dev.distlock.autoconfigure.actuate;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.distlock.spi.LockBackend;

/**
 * The health contributor {@code distlock} on Spring Boot 4: UP when the active backend answers its
 * health check within the timeout, DOWN with the reason otherwise, with the backend's own details
 * and any that the auto-configuration adds about how the backend was chosen (see
 * {@link LockBackendHealthCheck}, which Spring Boot 3.5's indicator in distlock-autoconfigure-boot3 shares).
 */
public final class DistributedLockHealthIndicator implements HealthIndicator {

    private final LockBackendHealthCheck check;

    public DistributedLockHealthIndicator(LockBackend backend, Duration timeout) {
        this(backend, timeout, Map.of());
    }

    /**
     * @param selectionDetails shown in every answer, e.g. why the in-memory backend is the active one
     */
    public DistributedLockHealthIndicator(LockBackend backend, Duration timeout, Map<String, ?> selectionDetails) {
        this(new LockBackendHealthCheck(backend, timeout, selectionDetails));
    }

    public DistributedLockHealthIndicator(LockBackendHealthCheck check) {
        this.check = check;
    }

    /** The longest a health request waits for the backend's answer ({@code distlock.health.timeout}). */
    public Duration timeout() {
        return check.timeout();
    }

    @Override
    public Health health() {
        LockBackendHealthCheck.Report report = check.check();
        return (report.up() ? Health.up() : Health.down()).withDetails(report.details()).build();
    }
}
