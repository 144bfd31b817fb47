package dev.distlock.engine;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.KeyHandOver;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.ReleaseOutcome;

/**
 * Gives grants back to the store when their last hold ends: at once, or, while {@code holdAtLeast}
 * has not passed, by shortening the lease to the time that remains (so that it also ends then if
 * this process dies) and releasing it then. Each grant is reported released exactly once.
 */
final class LockReleases {

    private static final Logger log = LoggerFactory.getLogger(LockReleases.class);

    private final LockBackend backend;
    private final @Nullable KeyHandOver handOver;
    private final StoreCalls calls;
    private final ScheduledExecutorService scheduler;
    private final LockEngine engine;
    private final ReleasedToWaiters releasedToWaiters;
    private final Map<HeldLock, ScheduledFuture<?>> delayed = new ConcurrentHashMap<>();

    LockReleases(LockBackend backend, StoreCalls calls, ScheduledExecutorService scheduler, LockEngine engine,
            ReleasedToWaiters releasedToWaiters) {
        this.backend = backend;
        this.handOver = backend instanceof KeyHandOver ability ? ability : null;
        this.calls = calls;
        this.scheduler = scheduler;
        this.engine = engine;
        this.releasedToWaiters = releasedToWaiters;
    }

    /** The last hold of {@code lock} ended at {@code now}. */
    void lastHoldEnded(HeldLock lock, long now) {
        switch (lock.endingAt(now)) {
            case AFTER_HOLD_AT_LEAST -> releaseLater(lock);
            case RAN_OUT -> {
                engine.lost(lock, "lease ran out at " + lock.expiresAt() + " before it was released");
                releaseNow(lock);
            }
            case NOW -> releaseNow(lock);
        }
    }

    /**
     * Releases {@code lock} by handing it over to the first thread of this engine in line for its key,
     * in one store call, where the backend can ({@link KeyHandOver}) and the release is due now
     * ({@link HeldLock#canBeHandedOverAt}: not delayed by {@code holdAtLeast}, not lost). The turn then
     * goes to that thread with the store's answer ({@link #answerSuccessor}). Where the backend sends
     * the call without blocking, this thread does not wait for the answer: it is the successor's, and
     * reaches it from the client's I/O thread.
     *
     * @return true when handed over (released, and the gate's turn passed on); false when the caller
     *         must release as usual
     */
    boolean handOverToLocalWaiter(HeldLock lock, long now, LocalKeyGate gate) {
        if (handOver == null || !lock.canBeHandedOverAt(now)) {
            return false;
        }
        LocalKeyGate.Successor next = gate.takeSuccessor(lock.key);
        if (next == null) {
            return false;
        }
        reportReleased(lock);
        AcquireRequest request = next.request();
        long sent = engine.nanoTime();
        AcquireResult result = null;
        RuntimeException error = null;
        try {
            CompletableFuture<AcquireResult> answer = calls.sendHandOver(lock.key, lock.owner, request);
            if (answer != null) {
                answer.whenComplete((answered, failed) -> answerSuccessor(lock, next, sent, answered, failed));
                return true;
            }
            result = calls.handOver(handOver, lock.key, lock.owner, request);
        } catch (RuntimeException e) {
            error = e;
        }
        answerSuccessor(lock, next, sent, result, error);
        return true;
    }

    /**
     * Tells the successor the store's answer to its hand-over; on a failure (no answer: the store may
     * have granted it all the same) the releaser's grant ends with its lease, as a failed release's does,
     * and what the store may have granted the successor's owner id is released in the background.
     * Runs on the releasing thread or on the client's I/O thread, so it never blocks.
     */
    private void answerSuccessor(HeldLock lock, LocalKeyGate.Successor next, long sent, @Nullable AcquireResult result,
            @Nullable Throwable error) {
        if (error != null) {
            log.warn("Could not hand lock '{}' over to the next thread in line; it ends when its lease runs out at {}",
                    lock.key, lock.expiresAt(), error);
            calls.releaseUnanswered(next.request());
            next.notHandedOver(true);
        } else if (result instanceof AcquireResult.Granted granted) {
            next.handedOver(Grant.of(granted, sent));
        } else {
            next.notHandedOver(false);
        }
    }

    void releaseNow(HeldLock lock) {
        reportReleased(lock);
        try {
            noteWaiters(lock, calls.release(lock.key, lock.owner));
        } catch (RuntimeException e) {
            log.warn("Could not release lock '{}'; it ends when its lease runs out at {}", lock.key, lock.expiresAt(), e);
        }
    }

    /**
     * Stops the releases still waiting for {@code holdAtLeast}: their leases were shortened to end
     * then in the store, so nothing more is sent to a store that is shutting down.
     */
    void cancelDelayed() {
        delayed.values().forEach(release -> release.cancel(false));
        delayed.clear();
    }

    private void releaseLater(HeldLock lock) {
        if (!reportReleased(lock)) {
            return;
        }
        // After any renewal in flight: one that landed after the shortening would extend the lease again.
        lock.afterRenewalInFlight(() -> shorten(lock));
        long delay = Math.max(0, lock.holdUntilNanos() - engine.nanoTime());
        delayed.put(lock, scheduler.schedule(() -> {
            delayed.remove(lock);
            calls.runInBackground("release", lock.key,
                    () -> noteWaiters(lock, backend.releaseTellingWaiters(lock.key, lock.owner)));
        }, delay, TimeUnit.NANOSECONDS));
    }

    private void shorten(HeldLock lock) {
        long remaining = lock.holdUntilNanos() - engine.nanoTime();
        if (remaining <= 0) {
            return;
        }
        calls.submit("shorten", lock.key, calls.timeout(), () -> backend.renew(lock.key, lock.owner, Duration.ofNanos(remaining)))
                .whenComplete((shortened, error) -> {
                    if (error != null) {
                        log.warn("Could not shorten lock '{}' to its remaining hold time; it ends with its lease", lock.key, error);
                    }
                });
    }

    /** Fair keys need nothing of this: the store's queue already decides who is next. */
    private void noteWaiters(HeldLock lock, ReleaseOutcome outcome) {
        if (outcome == ReleaseOutcome.RELEASED_TO_WAITERS && !lock.options.fair()) {
            releasedToWaiters.released(lock.key);
        }
    }

    private boolean reportReleased(HeldLock lock) {
        if (!lock.markReleased()) {
            return false;
        }
        LockEventListener events = engine.events();
        if (events != LockEventListener.NONE) { // no Duration per release when nobody listens
            events.released(lock.options.name(), lock.key, Duration.ofNanos(engine.nanoTime() - lock.grantedAtNanos()));
        }
        return true;
    }
}
