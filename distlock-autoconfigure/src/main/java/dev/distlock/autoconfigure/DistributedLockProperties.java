package dev.distlock.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.StringUtils;

import dev.distlock.engine.LeaseLossPolicy;

/**
 * The {@code distlock.*} properties shared by every backend. Backend-specific settings live in
 * each backend's own properties class ({@code distlock.redis.*}, {@code distlock.jdbc.*}, ...).
 */
@ConfigurationProperties("distlock")
public class DistributedLockProperties {

    /** The namespace when neither distlock.namespace nor spring.application.name is set. */
    public static final String DEFAULT_NAMESPACE = "distlock";

    /** Whether distlock is active; false removes its beans, and @DistributedLock methods run unlocked. */
    private boolean enabled = true;

    /** The lock store; when unset, the backend whose module is present (failing start-up if it cannot connect), in-memory only when none is. */
    private @Nullable LockBackendType backend;

    /**
     * Prefix of every lock key, so that applications sharing a store do not share locks by accident;
     * when unset, spring.application.name, and "distlock" when that is unset too.
     */
    private @Nullable String namespace;

    /** How long a lock is held without renewal when @DistributedLock leaves lease empty. */
    private Duration defaultLease = Duration.ofSeconds(30);

    /** How long to wait for a held lock when @DistributedLock leaves waitFor empty; 0s tries once. */
    private Duration defaultWaitFor = Duration.ZERO;

    /** What happens to the holder when its lease is lost while the method runs: LOG or INTERRUPT. */
    private LeaseLossPolicy leaseLossPolicy = LeaseLossPolicy.LOG;

    /**
     * The longest distlock waits for any one call to the lock store (acquire, renew, release); an
     * unanswered call fails like an unreachable store. Renewals wait at most a third of their lease.
     */
    private Duration operationTimeout = Duration.ofSeconds(1);

    /**
     * How long shutdown waits for running @DistributedLock methods to end and release their locks;
     * locks still held then are not freed under their methods and end when their leases run out.
     */
    private Duration shutdownTimeout = Duration.ofSeconds(10);

    private final Health health = new Health();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public @Nullable LockBackendType getBackend() {
        return backend;
    }

    public void setBackend(@Nullable LockBackendType backend) {
        this.backend = backend;
    }

    public @Nullable String getNamespace() {
        return namespace;
    }

    /** The namespace locks use: the configured one, else the application's name, else "distlock". */
    public String namespaceOr(@Nullable String applicationName) {
        if (StringUtils.hasText(namespace)) {
            return namespace;
        }
        return StringUtils.hasText(applicationName) ? applicationName : DEFAULT_NAMESPACE;
    }

    public void setNamespace(@Nullable String namespace) {
        this.namespace = namespace;
    }

    public Duration getDefaultLease() {
        return defaultLease;
    }

    public void setDefaultLease(Duration defaultLease) {
        this.defaultLease = defaultLease;
    }

    public Duration getDefaultWaitFor() {
        return defaultWaitFor;
    }

    public void setDefaultWaitFor(Duration defaultWaitFor) {
        this.defaultWaitFor = defaultWaitFor;
    }

    public LeaseLossPolicy getLeaseLossPolicy() {
        return leaseLossPolicy;
    }

    public void setLeaseLossPolicy(LeaseLossPolicy leaseLossPolicy) {
        this.leaseLossPolicy = leaseLossPolicy;
    }

    public Duration getOperationTimeout() {
        return operationTimeout;
    }

    public void setOperationTimeout(Duration operationTimeout) {
        this.operationTimeout = operationTimeout;
    }

    public Duration getShutdownTimeout() {
        return shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    public Health getHealth() {
        return health;
    }

    /** The Actuator health contributor {@code distlock}. */
    public static class Health {

        /** How long the health endpoint waits for the backend's answer before it reports distlock DOWN. */
        private Duration timeout = Duration.ofSeconds(2);

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }
    }
}
