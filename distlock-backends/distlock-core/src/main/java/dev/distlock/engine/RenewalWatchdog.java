package dev.distlock.engine;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.distlock.spi.LockBackend;
import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.RenewResult;

/**
 * Keeps held leases alive: renews each at a third of its lease. The scheduler only sends renewals;
 * each runs as a store call of its own with a deadline under a third of the lease, so that one store
 * call that hangs holds up no other lock's renewal. A refused renewal means someone else may hold
 * the key now: the lease is lost at once. A failed renewal (store unreachable) is retried until the
 * lease would have run out, and only then lost. A lease without auto-renewal is watched only for
 * its expiry.
 */
final class RenewalWatchdog {

    private static final Logger log = LoggerFactory.getLogger(RenewalWatchdog.class);

    private final LockBackend backend;
    private final StoreCalls calls;
    private final ScheduledExecutorService scheduler;
    private final LockEngine engine;

    RenewalWatchdog(LockBackend backend, StoreCalls calls, ScheduledExecutorService scheduler, LockEngine engine) {
        this.backend = backend;
        this.calls = calls;
        this.scheduler = scheduler;
        this.engine = engine;
    }

    void watch(HeldLock lock) {
        Duration lease = lock.lease();
        if (lock.options.autoRenew()) {
            long period = Math.max(1, lease.toNanos() / 3);
            lock.watchdog(scheduler.scheduleWithFixedDelay(() -> renewSafely(lock), period, period, TimeUnit.NANOSECONDS));
        } else {
            long untilExpiry = Math.max(0, lock.expiresAtNanos() - engine.nanoTime());
            lock.watchdog(scheduler.schedule(() -> expire(lock), untilExpiry, TimeUnit.NANOSECONDS));
        }
    }

    /** A periodic task that throws is never run again: nothing may escape. */
    private void renewSafely(HeldLock lock) {
        try {
            renew(lock);
        } catch (RuntimeException | Error e) {
            log.error("Renewing lock '{}' failed unexpectedly; the next renewal follows as scheduled", lock.key, e);
        }
    }

    private void renew(HeldLock lock) {
        if (!lock.isHeld() || lock.renewalInFlight()) {
            return; // released or lost meanwhile, or the previous renewal still awaits its answer
        }
        long sent = engine.nanoTime();
        Duration lease = leaseToAskFor(lock, sent);
        if (lease == null) {
            stopAtMaxHold(lock);
            return;
        }
        Duration deadline = min(calls.timeout(), lock.lease().dividedBy(3));
        CompletableFuture<RenewResult> answered = new CompletableFuture<>();
        CompletableFuture<Void> settled = new CompletableFuture<>();
        if (!lock.tryStartRenewal(answered, settled)) {
            return; // an extension is being sent
        }
        calls.submit("renew", lock.key, deadline, () -> backend.renewWithValidity(lock.key, lock.owner, lease), settled)
                .whenComplete((result, error) -> {
                    renewed(lock, sent, lease, result, error);
                    answered.complete(result);
                });
    }

    /**
     * Renews {@code lock} now for {@code lease} from now, and makes that the lease later renewals ask
     * for; never past {@code maxHold}. Waits for renewals in flight first, so that none lands after it.
     *
     * @return true when the store extended the lease; false when the lock is no longer held, the cap
     *         is reached, or the store refused (the lease is then lost)
     */
    boolean extend(HeldLock lock, Duration lease) {
        CompletableFuture<RenewResult> answered = new CompletableFuture<>();
        CompletableFuture<Void> settled = new CompletableFuture<>();
        long deadline = engine.nanoTime() + calls.timeout().toNanos();
        do {
            awaitSettled(lock, deadline);
        } while (!lock.tryStartRenewal(answered, settled));
        boolean sentToStore = false;
        try {
            long sent = engine.nanoTime();
            Duration asked = lock.options.capsHold() ? min(lease, Duration.ofNanos(lock.maxHoldEndNanos() - sent)) : lease;
            if (!lock.isHeld() || asked.isNegative() || asked.isZero()) {
                return false;
            }
            sentToStore = true;
            RenewResult result = calls.submit("extend", lock.key, calls.timeout(),
                    () -> backend.renewWithValidity(lock.key, lock.owner, asked), settled).join();
            engine.events().renewed(lock.options.name(), lock.key, result.extended());
            if (!result.extended()) {
                engine.lost(lock, "extension refused: another owner holds the key or it expired");
                return false;
            }
            lock.extendedFrom(sent, result.validity(), asked);
            lock.cancelWatchdog();
            watch(lock); // the period follows the new lease, and without auto-renewal so does the expiry watch
            return true;
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        } finally {
            answered.complete(null);
            if (!sentToStore) {
                settled.complete(null); // else the store call completes it when it has ended
            }
        }
    }

    /** Waits, up to {@code deadlineNanos}, for every renewal sent before to end at the store. */
    private void awaitSettled(HeldLock lock, long deadlineNanos) {
        try {
            lock.renewalsSettled().get(Math.max(0, deadlineNanos - engine.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new LockBackendException("A renewal of lock '" + lock.key + "' is still unanswered after "
                    + calls.timeout() + "; cannot extend it until it has ended");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockBackendException("Interrupted while extending lock '" + lock.key + "'", e);
        } catch (ExecutionException e) {
            // a renewal that failed has ended too
        }
    }

    /** The lease, or under {@code maxHold} only what is left until the cap (the lease then ends there); null at the cap. */
    private static @Nullable Duration leaseToAskFor(HeldLock lock, long now) {
        Duration lease = lock.options.lease();
        if (!lock.options.capsHold()) {
            return lease;
        }
        long untilCap = lock.maxHoldEndNanos() - now;
        if (untilCap <= 0 || lock.expiresAtNanos() - lock.maxHoldEndNanos() >= 0) {
            return null;
        }
        return min(lease, Duration.ofNanos(untilCap));
    }

    private void renewed(HeldLock lock, long sent, Duration requested, @Nullable RenewResult result, @Nullable Throwable error) {
        if (error == null) {
            engine.events().renewed(lock.options.name(), lock.key, result.extended());
            if (result.extended()) {
                lock.renewedFrom(sent, result.validity(), requested);
            } else {
                engine.lost(lock, "renewal refused: another owner holds the key or it expired");
            }
            return;
        }
        engine.events().renewed(lock.options.name(), lock.key, false);
        if (!lock.isHeld()) {
            return;
        }
        if (lock.hasRunOutAt(engine.nanoTime())) {
            engine.lost(lock, "could not renew before the lease ran out: " + error);
        } else {
            log.warn("Could not renew lock '{}', retrying until its lease runs out at {}", lock.key, lock.expiresAt(), error);
            loseAtExpiryUnlessRenewed(lock, error);
        }
    }

    /** The next renewal may come after the expiry: do not let the lease lapse unnoticed until then. */
    private void loseAtExpiryUnlessRenewed(HeldLock lock, Throwable cause) {
        long expiry = lock.expiresAtNanos();
        long delay = Math.max(0, expiry - engine.nanoTime());
        scheduler.schedule(() -> {
            if (lock.expiresAtNanos() == expiry) {
                engine.lost(lock, "could not renew before the lease ran out: " + cause);
            }
        }, delay, TimeUnit.NANOSECONDS);
    }

    /** Renews no more: the lease lapses at its expiry, which is at the cap, and the holder is told it is lost. */
    private void stopAtMaxHold(HeldLock lock) {
        lock.cancelWatchdog();
        long delay = Math.max(0, lock.expiresAtNanos() - engine.nanoTime());
        scheduler.schedule(() -> engine.lost(lock, "held for maxHold (" + lock.options.maxHold()
                + ") while the call still ran; auto-renewal stopped"), delay, TimeUnit.NANOSECONDS);
    }

    private void expire(HeldLock lock) {
        engine.lost(lock, "lease of " + lock.options.lease() + " ran out without renewal (autoRenew = false)");
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
