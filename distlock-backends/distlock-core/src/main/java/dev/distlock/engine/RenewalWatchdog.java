package dev.distlock.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.distlock.spi.LockBackend;
import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.RenewResult;

/**
 * Keeps held leases alive with one sweeping loop per engine, not a task per lock. A sweep looks at
 * every held lock and renews each that is due within a slack of a quarter of its period (a third of
 * the lease), so that locks taken at different moments share a batch; every lease is still sent at
 * most a third of its lease after the last renewal. The leases of a sweep go to the store through
 * {@link LockBackend#renewAll} in batches of at most {@link RenewalBatch#MAX_LEASES}, each one store
 * call with a deadline under a third of its shortest lease, so that a call that hangs holds up no
 * later sweep. A refused renewal means someone else may hold the key now: that lease is lost at
 * once. A failed renewal (the batch's call failed or passed its deadline) is retried until the lease
 * would have run out, and only then lost; a lease whose call hung is sent alone until it is answered,
 * so that one key that hangs holds up the others once, not every period. A lease without
 * auto-renewal is watched only for its expiry.
 *
 * <p>Two clocks: when to renew is judged on the scheduler's ({@link SweepTimer#now()}), whether a
 * lease ran out on the engine's, as everywhere else. They are the same clock outside tests.
 */
final class RenewalWatchdog {

    private static final Logger log = LoggerFactory.getLogger(RenewalWatchdog.class);
    /** Expiries noted in one sweep when they fall this close together: the cost of a sweep is per held lock. */
    private static final long EXPIRY_SPACING_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long RETRY_AFTER_FAULT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final LockBackend backend;
    private final StoreCalls calls;
    private final LockEngine engine;
    private final Collection<HeldLock> held;
    private final SweepTimer timer;
    private final Object sweeping = new Object();

    /** @param held the engine's held locks, a live view: the sweep's work list, which it never changes */
    RenewalWatchdog(LockBackend backend, StoreCalls calls, ScheduledExecutorService scheduler, LockEngine engine,
                    Collection<HeldLock> held) {
        this.backend = backend;
        this.calls = calls;
        this.engine = engine;
        this.held = held;
        this.timer = new SweepTimer(scheduler, this::sweepSafely);
    }

    /**
     * Sets the first renewal of the new grant {@code lock}, before the engine lists it among the held
     * locks, so that the sweep never sees a lock without its schedule. Schedules nothing of its own.
     */
    void schedule(HeldLock lock) {
        lock.renewalDueAt(SweepTimer.now() + periodNanos(lock));
    }

    /** Asks the sweep to come when {@code lock}, scheduled and now listed among the held locks, needs it. */
    void watch(HeldLock lock) {
        wakeFor(lock, SweepTimer.now());
    }

    /**
     * An extension of {@code lock} was granted: no failure to retry, and the period follows the new
     * lease (without auto-renewal, the expiry watch follows the new expiry by itself).
     */
    void extended(HeldLock lock) {
        lock.renewalAnswered();
        lock.renewalDueAt(SweepTimer.now() + periodNanos(lock));
    }

    /** An extension of {@code lock} ended: a sweep meanwhile passed the lock by, leaving it to ask for the next. */
    void extensionEnded(HeldLock lock) {
        wakeFor(lock, SweepTimer.now());
    }

    /** No renewal from now on: the engine is closed and its leases marked lost. */
    void stop() {
        timer.stop();
    }

    /** Asks the sweep to come when {@code lock} next needs it. */
    private void wakeFor(HeldLock lock, long now) {
        if (lock.isRenewing()) {
            timer.wakeBy(lock.renewalDueAt());
        }
        if (lock.isWatchedForExpiry()) {
            timer.wakeBy(now + Math.max(0, lock.expiresAtNanos() - engine.nanoTime()));
        }
    }

    /** A sweep that throws would leave leases unrenewed: nothing may escape, and the next one comes soon. */
    private void sweepSafely() {
        try {
            sweep();
        } catch (RuntimeException | Error e) {
            log.error("The renewal sweep failed unexpectedly; the next one follows shortly", e);
            timer.wakeBy(SweepTimer.now() + RETRY_AFTER_FAULT_NANOS);
        }
    }

    private void sweep() {
        synchronized (sweeping) {
            timer.sweepStarted();
            long now = SweepTimer.now();
            long leaseNow = engine.nanoTime();
            long nextRenewal = now;
            long nextExpiry = now;
            boolean renewalAhead = false;
            boolean expiryAhead = false;
            List<RenewalBatch> batches = new ArrayList<>();
            RenewalBatch shared = null;
            for (HeldLock lock : held) {
                if (!lock.isHeld()) {
                    continue;
                }
                if (lock.isWatchedForExpiry() && lock.hasRunOutAt(leaseNow)) {
                    engine.lost(lock, expiryReason(lock));
                    continue;
                }
                if (lock.isRenewing() && !lock.renewalInFlight()) {
                    long dueAt = lock.renewalDueAt();
                    if (dueAt - periodNanos(lock) / 4 - now > 0) {
                        nextRenewal = renewalAhead ? earlier(nextRenewal, dueAt) : dueAt;
                        renewalAhead = true;
                    } else {
                        Duration lease = leaseToAskFor(lock, leaseNow);
                        if (lease == null) {
                            lock.stopRenewing(); // lost when the lease, which reaches the cap, runs out
                        } else if (lock.renewsAlone()) {
                            RenewalBatch alone = new RenewalBatch();
                            if (alone.add(lock, lease)) {
                                batches.add(alone);
                                lock.renewalDueAt(now + periodNanos(lock));
                            }
                        } else {
                            if (shared == null || shared.isFull()) {
                                shared = new RenewalBatch();
                                batches.add(shared);
                            }
                            if (shared.add(lock, lease)) {
                                lock.renewalDueAt(now + periodNanos(lock));
                            } // else an extension is in flight: it asks for the sweep when it ends
                        }
                    }
                }
                if (lock.isWatchedForExpiry()) {
                    long expiry = now + (lock.expiresAtNanos() - leaseNow);
                    nextExpiry = expiryAhead ? earlier(nextExpiry, expiry) : expiry;
                    expiryAhead = true;
                }
            }
            for (RenewalBatch batch : batches) {
                if (!batch.isEmpty()) {
                    send(batch, leaseNow);
                }
            }
            if (renewalAhead) {
                timer.wakeBy(nextRenewal);
            }
            if (expiryAhead) {
                timer.wakeBy(Math.max(nextExpiry - now, EXPIRY_SPACING_NANOS) + now);
            }
        }
    }

    /**
     * One store call for the batch. Its validity counts from {@code sentAtNanos}, which the sweep read
     * before it looked at any lease: expire early rather than late.
     */
    private void send(RenewalBatch batch, long sentAtNanos) {
        Duration deadline = min(calls.timeout(), Duration.ofNanos(Math.max(1, batch.shortestLeaseNanos() / 3)));
        calls.submit("renew", batch.keys(), deadline, () -> backend.renewAll(batch.requests()), batch.settled)
                .whenComplete((results, error) -> answered(batch, sentAtNanos, results, error));
    }

    private void answered(RenewalBatch batch, long sentAtNanos, @Nullable List<RenewResult> results, @Nullable Throwable error) {
        try {
            Throwable failure = error;
            if (failure == null && (results == null || results.size() != batch.size())) {
                failure = new LockBackendException("The " + backend.name() + " store answered "
                        + (results == null ? "nothing" : results.size() + " renewals") + " for " + batch.size() + " leases");
            }
            // The engine stopped waiting, and the call still runs: it may hang on one of these keys.
            boolean hung = failure != null && !batch.settled.isDone();
            int failed = 0;
            for (int i = 0; i < batch.size(); i++) {
                HeldLock lock = batch.lock(i);
                RenewResult result = failure == null ? results.get(i) : null; // one answer per lease: checked above
                Throwable leaseFailure = failure != null ? failure
                        : result == null ? new LockBackendException("The " + backend.name() + " store gave no answer for it") : null;
                if (leaseFailure == null) {
                    renewed(lock, sentAtNanos, batch.requestedLease(i), result);
                } else if (failedRenewal(lock, leaseFailure, hung)) {
                    failed++;
                }
            }
            if (failed > 0) {
                log.warn("Could not renew lock '{}'{}; retrying each until its lease runs out", batch.lock(0).key,
                        batch.size() == 1 ? "" : " and " + (batch.size() - 1) + " more in one call", failure);
            }
        } finally {
            batch.answered.complete(null);
            long now = SweepTimer.now();
            for (int i = 0; i < batch.size(); i++) {
                HeldLock lock = batch.lock(i);
                if (lock.isHeld()) {
                    wakeFor(lock, now);
                }
            }
        }
    }

    private void renewed(HeldLock lock, long sentAtNanos, Duration requested, RenewResult result) {
        engine.events().renewed(lock.options.name(), lock.key, result.extended());
        if (result.extended()) {
            lock.renewedFrom(sentAtNanos, result.validity(), requested);
            lock.renewalAnswered();
        } else {
            engine.lost(lock, "renewal refused: another owner holds the key or it expired");
        }
    }

    /** @return true when the lock is still held and the renewal is retried */
    private boolean failedRenewal(HeldLock lock, Throwable failure, boolean hung) {
        engine.events().renewed(lock.options.name(), lock.key, false);
        if (!lock.isHeld()) {
            return false;
        }
        lock.renewalFailed(failure, hung);
        if (lock.hasRunOutAt(engine.nanoTime())) {
            engine.lost(lock, "could not renew before the lease ran out: " + failure);
            return false;
        }
        return true;
    }


    /**
     * The lease (the options' or the last extension's), or under {@code maxHold} only what is left
     * until the cap (the lease then ends there); null at the cap.
     */
    private static @Nullable Duration leaseToAskFor(HeldLock lock, long now) {
        Duration lease = lock.lease();
        if (!lock.options.capsHold()) {
            return lease;
        }
        long untilCap = lock.maxHoldEndNanos() - now;
        if (untilCap <= 0 || lock.expiresAtNanos() - lock.maxHoldEndNanos() >= 0) {
            return null;
        }
        return min(lease, Duration.ofNanos(untilCap));
    }

    private String expiryReason(HeldLock lock) {
        if (lock.renewalStopped()) {
            return "held for maxHold (" + lock.options.maxHold() + ") while the call still ran; auto-renewal stopped";
        }
        if (!lock.options.autoRenew()) {
            return "lease of " + lock.options.lease() + " ran out without renewal (autoRenew = false)";
        }
        return "could not renew before the lease ran out: " + lock.renewalFailure();
    }

    /** A third of the lease the lock asks for. */
    private static long periodNanos(HeldLock lock) {
        return Math.max(1, lock.leaseNanos() / 3);
    }

    private static long earlier(long a, long b) {
        return a - b <= 0 ? a : b;
    }

    /** The shorter of two durations; LeaseExtension's deadlines use it too. */
    static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
