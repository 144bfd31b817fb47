package dev.distlock.autoconfigure.boot3;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

import dev.distlock.autoconfigure.actuate.LockBackendHealthCheck;

/**
 * The health contributor {@code distlock} on Spring Boot 3.5: the same check and details as
 * Spring Boot 4's {@code DistributedLockHealthIndicator}, in Boot 3.5's health types.
 */
public final class Boot3DistributedLockHealthIndicator implements HealthIndicator {

    private final LockBackendHealthCheck check;

    public Boot3DistributedLockHealthIndicator(LockBackendHealthCheck check) {
        this.check = check;
    }

    @Override
    public Health health() {
        LockBackendHealthCheck.Report report = check.check();
        return (report.up() ? Health.up() : Health.down()).withDetails(report.details()).build();
    }
}
