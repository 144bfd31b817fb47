package dev.distlock.engine;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.distlock.LockNotAcquiredException;
import dev.distlock.LockOptions;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.ReleaseNotifications;

/**
 * Tries a backend until it grants or {@code waitFor} runs out. Between attempts it sleeps until the
 * backend signals a release, the holder's known expiry, or a jittered back-off, whichever is first.
 * The first attempt goes out without a subscription, so that an uncontended lock costs one call;
 * a thread that yields to other JVMs ({@link LocalKeyGate.Turn#YIELD}) subscribes before it, and one
 * whose engine just released the key to other clients' waiters also lets them ask first
 * ({@link ReleasedToWaiters}).
 */
final class AcquireLoop {

    private static final Logger log = LoggerFactory.getLogger(AcquireLoop.class);
    /** Stands for a first attempt not made: the waiting part then starts as after a denial. */
    private static final AcquireResult.Denied NOT_TRIED = (AcquireResult.Denied) AcquireResult.denied();

    private final LockBackend backend;
    private final StoreCalls calls;
    private final NanoClock clock;
    private final WaitSettings settings;
    private final GrantRecords records;

    AcquireLoop(LockBackend backend, StoreCalls calls, NanoClock clock, WaitSettings settings, GrantRecords records) {
        this.backend = backend;
        this.calls = calls;
        this.clock = clock;
        this.settings = settings;
        this.records = records;
    }

    /**
     * @param deadlineNanos when to stop waiting ({@link NanoClock}); the first attempt goes out even after it
     * @param options       the acquisition's options, for its record and {@code beforeWaiting}
     * @param beforeWaiting called when the first attempt was denied and there is time to wait
     * @param yieldFirst    subscribe to release notifications before the first attempt, as a waiter
     *                      that heard of a release would; see {@link LocalKeyGate}
     * @param waitersFirstNanos when above 0, subscribe first and then wait up to this long, or until a
     *                      release notification, before the first attempt: other clients' waiters that
     *                      our own release woke ask first; see {@link ReleasedToWaiters}
     * @return the engine's record of the grant ({@link GrantRecords}), or null when the lock stayed held past the deadline
     */
    @Nullable HeldLock acquire(AcquireRequest request, LockOptions options, long deadlineNanos, BeforeWaiting beforeWaiting,
            boolean yieldFirst, long waitersFirstNanos) {
        HeldLock grant = null;
        boolean unanswered = true;
        try {
            if (yieldFirst || waitersFirstNanos > 0) {
                beforeWaiting.waiting(request, options.name());
                grant = waitAndRetry(request, options, deadlineNanos, NOT_TRIED, waitersFirstNanos);
            } else {
                long sent = clock.nanoTime();
                AcquireResult first = attempt(request);
                if (first instanceof AcquireResult.Granted granted) {
                    grant = records.granted(request, options, granted.fencingToken(), sent, granted.validity());
                } else if (deadlineNanos - clock.nanoTime() > 0) {
                    beforeWaiting.waiting(request, options.name());
                    grant = waitAndRetry(request, options, deadlineNanos, (AcquireResult.Denied) first, 0);
                }
            }
            unanswered = false;
            return grant;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockNotAcquiredException(request.key(), "Interrupted while waiting for lock '" + request.key() + "'", e);
        } finally {
            if (grant == null) {
                giveUp(request, unanswered);
            }
        }
    }

    /** The waiting part, so that an uncontended acquisition allocates none of its state. */
    private @Nullable HeldLock waitAndRetry(AcquireRequest request, LockOptions options, long deadline,
            AcquireResult.Denied denied, long waitersFirstNanos) throws InterruptedException {
        Semaphore wakeUp = new Semaphore(0);
        Backoff backoff = new Backoff(settings.minBackoff(), settings.maxBackoff());
        ReleaseNotifications.Subscription subscription = subscribe(request, wakeUp);
        try {
            if (waitersFirstNanos > 0) {
                // Subscribed first: a waiter that takes the key and gives it back wakes us, not only the time.
                pause(wakeUp, waitersFirstNanos);
            }
            // Subscribed after a denial, or after the waiters went first: try at once, a release may
            // have fallen in between.
            long sent = clock.nanoTime();
            AcquireResult result = subscription != null || waitersFirstNanos > 0 ? attempt(request) : denied;
            while (true) {
                if (result instanceof AcquireResult.Granted granted) {
                    return records.granted(request, options, granted.fencingToken(), sent, granted.validity());
                }
                long remaining = deadline - clock.nanoTime();
                if (remaining <= 0) {
                    return null;
                }
                pause(wakeUp, Math.min(remaining, pauseNanos(subscription != null, backoff, (AcquireResult.Denied) result)));
                sent = clock.nanoTime();
                result = attempt(request);
            }
        } finally {
            if (subscription != null) {
                calls.runInBackground("unsubscribe from", request.key(), subscription::close);
            }
        }
    }

    /** Until a release notification or {@code nanos}, whichever is first; notifications meanwhile count as one. */
    private static void pause(Semaphore wakeUp, long nanos) throws InterruptedException {
        if (wakeUp.tryAcquire(nanos, TimeUnit.NANOSECONDS)) {
            wakeUp.drainPermits();
        }
    }

    private AcquireResult attempt(AcquireRequest request) throws InterruptedException {
        return calls.tryAcquire(request);
    }

    /** Without a subscription the waiter polls: slower to hear of a release, never wrong. */
    private ReleaseNotifications.@Nullable Subscription subscribe(AcquireRequest request, Semaphore wakeUp) throws InterruptedException {
        if (!(backend instanceof ReleaseNotifications notifications)) {
            return null;
        }
        try {
            return calls.open("subscribe to releases of", request.key(),
                    () -> notifications.subscribe(request.key(), request.owner(), wakeUp::release));
        } catch (LockBackendException e) {
            log.debug("No release subscription for lock '{}', polling instead: {}", request.key(), e.toString());
            return null;
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

    /**
     * Leaves no trace of an acquisition that did not succeed. An attempt that failed or went
     * unanswered may have been granted all the same (the reply was lost): that grant is released
     * too, in the background. Owner ids are unique per acquisition, so this frees nobody else's lock.
     */
    private void giveUp(AcquireRequest request, boolean unanswered) {
        if (unanswered) {
            calls.releaseUnanswered(request);
            return;
        }
        try {
            calls.call("withdraw from", request.key(), () -> {
                backend.withdraw(request.key(), request.owner());
                return null;
            });
        } catch (RuntimeException e) {
            log.debug("Could not withdraw from lock '{}'; its queue entry expires on the server: {}", request.key(), e.toString());
        }
    }
}
