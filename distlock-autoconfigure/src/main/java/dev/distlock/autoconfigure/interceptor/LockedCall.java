package dev.distlock.autoconfigure.interceptor;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.distlock.Lease;
import dev.distlock.LockContext;
import dev.distlock.LockNotAcquiredException;
import dev.distlock.LockOptions;
import dev.distlock.OnLocked;
import dev.distlock.engine.LockEngine;

/**
 * One call of a {@code @DistributedLock} method, with its key evaluated: what a return-type
 * strategy needs to take the lock when it sees fit (at once, or on subscription), observed, and to
 * answer a lock held elsewhere the way {@code onLocked} says.
 */
public final class LockedCall {

    private static final Logger logger = LoggerFactory.getLogger(LockedCall.class);

    private final LockEngine engine;
    private final LockOperation operation;
    private final String fullKey;
    private final Supplier<Clock> schedulerClock;
    private final LockOptions options;
    private final LockObservations observations;

    /** {@code schedulerClock} tells the time for a cron job's options (its hold depends on when it runs). */
    LockedCall(LockEngine engine, LockOperation operation, String fullKey, Supplier<Clock> schedulerClock,
               LockObservations observations) {
        this.engine = engine;
        this.operation = operation;
        this.fullKey = fullKey;
        this.schedulerClock = schedulerClock;
        this.options = operation.cronSlots() == null ? operation.options() : operation.optionsAt(schedulerClock.get().instant());
        this.observations = observations;
    }

    /**
     * This call with its options worked out again now, for a publisher being subscribed: it runs
     * at subscription, which may be long after the method was called. Spring's {@code @Scheduled}
     * calls a reactive method once and subscribes its publisher at every trigger.
     */
    public LockedCall atSubscription() {
        return new LockedCall(engine, operation, fullKey, schedulerClock, observations);
    }

    public String fullKey() {
        return fullKey;
    }

    public OnLocked onLocked() {
        return operation.onLocked();
    }

    /** Asks the engine, waiting up to {@code waitFor}, on the calling thread; empty when held elsewhere. */
    public Optional<Lease> tryAcquire() {
        return Optional.ofNullable(acquireOrNull());
    }

    /** {@link #tryAcquire()} answering null when held elsewhere: no Optional per call of a plain method. */
    public @Nullable Lease acquireOrNull() {
        if (observations == LockObservations.NONE) {
            return engine.acquireFullKeyOrNull(fullKey, options); // no capturing lambda when nothing observes
        }
        return observations.observeAcquisition(operation.name(), fullKey, engine.backend().name(),
                () -> engine.tryAcquireFullKey(fullKey, options)).orElse(null);
    }

    /**
     * Like {@link #tryAcquire()}, for a lock that outlives the calling thread's part in it (a future,
     * a publisher): the thread is not left holding it, so that its next call of the same key waits
     * instead of re-entering.
     */
    public Optional<Lease> tryAcquireDetached() {
        Optional<Lease> lease = tryAcquire();
        lease.ifPresent(this::detach);
        return lease;
    }

    /** The thread that acquired {@code lease} stops being its holder: async work holds it now. */
    void detach(Lease lease) {
        engine.detachFromThread(lease);
    }

    /** Throws {@link LockNotAcquiredException} for {@code onLocked = FAIL}; returns for SKIP. */
    public void lockedElsewhere() {
        if (operation.onLocked() == OnLocked.FAIL) {
            throw notAcquired();
        }
        logger.debug("Skipped {}: lock '{}' is held elsewhere", operation.description(), fullKey);
    }

    public LockNotAcquiredException notAcquired() {
        return new LockNotAcquiredException(fullKey);
    }

    /** Makes {@code lease} the thread's current one (LockContext) while the method runs, with the method's {@code fenced}. */
    public LockContext.Scope bind(Lease lease) {
        return LockContext.bind(lease, operation.fenced());
    }

    /** Starts observing the guarded call under {@code lease}; stop it when the lease is released. */
    public LockObservations.Execution startExecution(Lease lease) {
        return observations.startExecution(operation.name(), fullKey, engine.backend().name(), lease.fencingToken());
    }
}
