package dev.distlock.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

import dev.distlock.spi.LockBackend;

/** Configures a {@link LockEngine}: {@link LockEngine#builder(LockBackend)}. */
public final class LockEngineBuilder {

    // Read by LockEngine's constructor, the only other class of the package that sees them.
    final LockBackend backend;
    String namespace = "distlock";
    Clock clock = Clock.systemUTC();
    NanoClock nanoClock = NanoClock.SYSTEM;
    ScheduledExecutorService scheduler = SharedScheduler.get();
    WaitSettings waitSettings = WaitSettings.DEFAULT;
    LeaseLossPolicy leaseLossPolicy = LeaseLossPolicy.LOG;
    LockEventListener events = LockEventListener.NONE;
    Duration operationTimeout = Duration.ofSeconds(1);
    Duration shutdownTimeout = Duration.ofSeconds(10);
    Duration firstConnectionTimeout = Duration.ofSeconds(10);

    LockEngineBuilder(LockBackend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    /** Prefix of every key, so that applications sharing a store do not share locks by accident. */
    public LockEngineBuilder namespace(String namespace) {
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalArgumentException("namespace must not be blank");
        }
        this.namespace = namespace;
        return this;
    }

    /** The wall clock, for the times shown to people ({@code acquiredAt}, {@code expiresAt}); never for validity. */
    public LockEngineBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** The monotonic clock a holder judges its leases by. */
    public LockEngineBuilder nanoClock(NanoClock nanoClock) {
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        return this;
    }

    public LockEngineBuilder scheduler(ScheduledExecutorService scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        return this;
    }

    public LockEngineBuilder waitSettings(WaitSettings waitSettings) {
        this.waitSettings = Objects.requireNonNull(waitSettings, "waitSettings");
        return this;
    }

    public LockEngineBuilder leaseLossPolicy(LeaseLossPolicy leaseLossPolicy) {
        this.leaseLossPolicy = Objects.requireNonNull(leaseLossPolicy, "leaseLossPolicy");
        return this;
    }

    public LockEngineBuilder events(LockEventListener events) {
        this.events = Objects.requireNonNull(events, "events");
        return this;
    }

    /**
     * The longest the engine waits for any one store call (a renewal: at most a third of its
     * lease); an unanswered call fails as if the store were unreachable. Default 1 s.
     */
    public LockEngineBuilder operationTimeout(Duration operationTimeout) {
        this.operationTimeout = requirePositive("operationTimeout", operationTimeout);
        return this;
    }

    /**
     * Replaces the operation timeout until the store has answered once: the first calls may be
     * opening the client's connection. Default 10 s.
     */
    public LockEngineBuilder firstConnectionTimeout(Duration firstConnectionTimeout) {
        this.firstConnectionTimeout = requirePositive("firstConnectionTimeout", firstConnectionTimeout);
        return this;
    }

    /** How long {@link LockEngine#close()} waits for running methods to release their locks. Default 10 s. */
    public LockEngineBuilder shutdownTimeout(Duration shutdownTimeout) {
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        if (shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("shutdownTimeout must not be negative, was " + shutdownTimeout);
        }
        this.shutdownTimeout = shutdownTimeout;
        return this;
    }

    public LockEngine build() {
        return new LockEngine(this);
    }

    private static Duration requirePositive(String what, Duration value) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + value);
        }
        return value;
    }
}
