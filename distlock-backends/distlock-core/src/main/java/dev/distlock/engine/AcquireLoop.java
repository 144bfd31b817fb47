package dev.distlock.engine;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.distlock.LockNotAcquiredException;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.ReleaseNotifications;

/**
 * Tries a backend until it grants or {@code waitFor} runs out. Between attempts it sleeps until the
 * backend signals a release, the holder's known expiry, or a jittered back-off, whichever is first.
 * The first attempt goes out without a subscription, so that an uncontended lock costs one call.
 */
final class AcquireLoop {

    private final LockBackend backend;
    private final WaitSettings settings;

    AcquireLoop(LockBackend backend, WaitSettings settings) {
        this.backend = backend;
        this.settings = settings;
    }

    /**
     * @param beforeWaiting called once, when the first attempt was denied and there is time to wait
     * @return the fencing token, or empty when the lock stayed held past {@code waitFor}
     */
    Optional<Long> acquire(AcquireRequest request, Duration waitFor, Runnable beforeWaiting) {
        long deadline = System.nanoTime() + waitFor.toNanos();
        Optional<Long> token = Optional.empty();
        try {
            AcquireResult first = backend.tryAcquire(request);
            if (first instanceof AcquireResult.Granted grant) {
                token = Optional.of(grant.fencingToken());
            } else if (deadline - System.nanoTime() > 0) {
                beforeWaiting.run();
                token = waitAndRetry(request, deadline, (AcquireResult.Denied) first);
            }
            return token;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockNotAcquiredException(request.key(), "Interrupted while waiting for lock '" + request.key() + "'", e);
        } finally {
            if (token.isEmpty()) {
                withdrawQuietly(request);
            }
        }
    }

    /** The waiting part, so that an uncontended acquisition allocates none of its state. */
    private Optional<Long> waitAndRetry(AcquireRequest request, long deadline, AcquireResult.Denied denied)
            throws InterruptedException {
        Semaphore wakeUp = new Semaphore(0);
        Backoff backoff = new Backoff(settings.minBackoff(), settings.maxBackoff());
        ReleaseNotifications.Subscription subscription = backend instanceof ReleaseNotifications notifications
                ? notifications.subscribe(request.key(), request.owner(), wakeUp::release)
                : null;
        try {
            // Subscribed after a denial: try again at once, a release may have fallen in between.
            AcquireResult result = subscription != null ? backend.tryAcquire(request) : denied;
            while (true) {
                if (result instanceof AcquireResult.Granted grant) {
                    return Optional.of(grant.fencingToken());
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return Optional.empty();
                }
                long pause = Math.min(remaining, pauseNanos(subscription != null, backoff, (AcquireResult.Denied) result));
                if (wakeUp.tryAcquire(pause, TimeUnit.NANOSECONDS)) {
                    wakeUp.drainPermits();
                }
                result = backend.tryAcquire(request);
            }
        } finally {
            if (subscription != null) {
                subscription.close();
            }
        }
    }

    private long pauseNanos(boolean notified, Backoff backoff, AcquireResult.Denied denied) {
        long pause = notified ? settings.safetyPoll().toNanos() : backoff.nextPauseNanos();
        if (denied.holderRemaining() != null) {
            // Retry right when the holder's lease runs out, plus a little for the store's own clock.
            pause = Math.min(pause, denied.holderRemaining().toNanos() + TimeUnit.MILLISECONDS.toNanos(2));
        }
        return Math.max(pause, 0);
    }

    private void withdrawQuietly(AcquireRequest request) {
        try {
            backend.withdraw(request.key(), request.owner());
        } catch (RuntimeException e) {
            // A pending queue entry or node expires on the server when its waiter stops refreshing it.
        }
    }
}
