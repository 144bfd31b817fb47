package dev.distlock.benchmarks.support;

import java.time.Duration;

import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEngine;
import dev.distlock.spi.LockBackend;

/**
 * distlock through its public API ({@code DistributedLocks}, here the {@link LockEngine} that implements
 * it), with the options a user would write: a 30 s lease, auto-renewed, waiting up to 30 s.
 */
public final class DistlockApiClient implements LockClient {

    public static final LockOptions OPTIONS = LockOptions.of(Duration.ofSeconds(30), Duration.ofSeconds(30));

    private final LockEngine engine;
    private final LockBackend backend;
    private final LockOptions options;

    public DistlockApiClient(LockBackend backend) {
        this(backend, OPTIONS);
    }

    /** With other options than a user's usual ones, e.g. {@code OPTIONS.withFair(true)}. */
    public DistlockApiClient(LockBackend backend, LockOptions options) {
        this.backend = backend;
        this.options = options;
        this.engine = LockEngine.builder(backend).namespace("bench").build();
    }

    @Override
    public Held acquire(String key) {
        Lease lease = engine.tryAcquire(key, options).orElseThrow(() -> new NotGranted(key));
        return lease::close;
    }

    @Override
    public void close() {
        engine.close();
        backend.close();
    }
}
