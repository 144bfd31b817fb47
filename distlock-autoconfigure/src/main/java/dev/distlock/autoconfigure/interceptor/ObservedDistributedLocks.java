package dev.distlock.autoconfigure.interceptor;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.distlock.DistributedLocks;
import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEngine;

/**
 * The {@link DistributedLocks} an application is given when observations are on: the engine's
 * locks, each acquisition and each hold observed as the annotation's are. Every call form
 * ({@code callLocked}, {@code runIfAcquired}, {@code asLock}) goes through {@link #tryAcquire}.
 */
public final class ObservedDistributedLocks implements DistributedLocks {

    private final LockEngine engine;
    private final LockObservations observations;

    public ObservedDistributedLocks(LockEngine engine, LockObservations observations) {
        this.engine = engine;
        this.observations = observations;
    }

    @Override
    public Optional<Lease> tryAcquire(String key, LockOptions options) {
        String fullKey = engine.fullKey(key);
        String backend = engine.backend().name();
        return observations.observeAcquisition(options.name(), fullKey, backend, () -> engine.tryAcquireFullKey(fullKey, options))
                .map(lease -> new ObservedLease(lease, observations.startExecution(options.name(), fullKey, backend, lease.fencingToken())));
    }

    @Override
    public String fullKey(String key) {
        return engine.fullKey(key);
    }

    /** A lease whose hold is observed until it is closed. */
    private static final class ObservedLease implements Lease {

        private final Lease lease;
        private final LockObservations.Execution execution;
        private final AtomicBoolean closed = new AtomicBoolean();

        ObservedLease(Lease lease, LockObservations.Execution execution) {
            this.lease = lease;
            this.execution = execution;
        }

        @Override
        public String key() {
            return lease.key();
        }

        @Override
        public long fencingToken() {
            return lease.fencingToken();
        }

        @Override
        public Instant acquiredAt() {
            return lease.acquiredAt();
        }

        @Override
        public Instant expiresAt() {
            return lease.expiresAt();
        }

        @Override
        public boolean isValid() {
            return lease.isValid();
        }

        @Override
        public boolean extend(Duration extension) {
            return lease.extend(extension);
        }

        @Override
        public void close() {
            try {
                lease.close();
            } finally {
                if (closed.compareAndSet(false, true)) {
                    execution.stop(null);
                }
            }
        }

        @Override
        public String toString() {
            return lease.toString();
        }
    }
}
