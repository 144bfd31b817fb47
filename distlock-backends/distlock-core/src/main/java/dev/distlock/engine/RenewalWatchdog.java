package dev.distlock.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.distlock.spi.LockBackend;

/**
 * Keeps held leases alive: renews each at a third of its lease on the shared scheduler. A refused
 * renewal means someone else may hold the key now: the lease is lost at once. A failed renewal
 * (store unreachable) is retried until the lease would have run out, and only then lost.
 * A lease without auto-renewal is watched only for its expiry.
 */
final class RenewalWatchdog {

    private static final Logger log = LoggerFactory.getLogger(RenewalWatchdog.class);

    private final LockBackend backend;
    private final ScheduledExecutorService scheduler;
    private final LockEngine engine;

    RenewalWatchdog(LockBackend backend, ScheduledExecutorService scheduler, LockEngine engine) {
        this.backend = backend;
        this.scheduler = scheduler;
        this.engine = engine;
    }

    void watch(HeldLock lock) {
        Duration lease = lock.options.lease();
        if (lock.options.autoRenew()) {
            long period = Math.max(1, lease.toNanos() / 3);
            lock.watchdog(scheduler.scheduleWithFixedDelay(() -> renew(lock), period, period, TimeUnit.NANOSECONDS));
        } else {
            lock.watchdog(scheduler.schedule(() -> expire(lock), lease.toNanos(), TimeUnit.NANOSECONDS));
        }
    }

    private void renew(HeldLock lock) {
        Instant started = engine.now();
        try {
            boolean extended = backend.renew(lock.key, lock.owner, lock.options.lease());
            engine.events().renewed(lock.options.name(), lock.key, extended);
            if (extended) {
                lock.extendedUntil(started.plus(lock.options.lease()));
            } else {
                engine.lost(lock, "renewal refused: another owner holds the key or it expired");
            }
        } catch (RuntimeException e) {
            engine.events().renewed(lock.options.name(), lock.key, false);
            if (!engine.now().isBefore(lock.expiresAt())) {
                engine.lost(lock, "could not renew before the lease ran out: " + e);
            } else {
                log.warn("Could not renew lock '{}', retrying until its lease runs out at {}", lock.key, lock.expiresAt(), e);
                loseAtExpiryUnlessRenewed(lock, e);
            }
        }
    }

    /** The next renewal may come after the expiry: do not let the lease lapse unnoticed until then. */
    private void loseAtExpiryUnlessRenewed(HeldLock lock, RuntimeException cause) {
        Instant expiry = lock.expiresAt();
        long delay = Math.max(0, Duration.between(engine.now(), expiry).toNanos());
        scheduler.schedule(() -> {
            if (lock.expiresAt().equals(expiry)) {
                engine.lost(lock, "could not renew before the lease ran out: " + cause);
            }
        }, delay, TimeUnit.NANOSECONDS);
    }

    private void expire(HeldLock lock) {
        engine.lost(lock, "lease of " + lock.options.lease() + " ran out without renewal (autoRenew = false)");
    }
}
