package dev.distlock.engine;

import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.distlock.LockOptions;

/**
 * One grant from the backend as the engine tracks it: shared by every re-entrant {@link EngineLease}
 * of the same thread, released to the backend when the last of them closes.
 */
final class HeldLock {

    enum State { HELD, LOST, RELEASED }

    final String key;
    final String owner;
    final long fencingToken;
    final LockOptions options;
    final Instant acquiredAt;
    private volatile Thread holder;
    private volatile Instant expiresAt;
    private final AtomicReference<State> state = new AtomicReference<>(State.HELD);
    private final AtomicInteger holdCount = new AtomicInteger(1);
    private final AtomicLong renewals = new AtomicLong();
    private volatile ScheduledFuture<?> watchdog;

    HeldLock(String key, String owner, long fencingToken, LockOptions options, Instant acquiredAt, Thread holder) {
        this.key = key;
        this.owner = owner;
        this.fencingToken = fencingToken;
        this.options = options;
        this.acquiredAt = acquiredAt;
        this.expiresAt = acquiredAt.plus(options.lease());
        this.holder = holder;
    }

    boolean isHeldAt(Instant now) {
        return state.get() == State.HELD && now.isBefore(expiresAt);
    }

    /** Whether {@code thread} acquired it and has not released it; it may have been lost since. */
    boolean isHeldBy(Thread thread) {
        return holder == thread && state.get() != State.RELEASED;
    }

    /**
     * After the call that acquired it returned an unfinished future: the thread may take the key
     * anew. Not while an outer call of the same thread still holds it synchronously: that call's
     * own re-entrant calls must keep re-entering.
     */
    void detachFromThread() {
        if (holdCount.get() == 1) {
            holder = null;
        }
    }

    Thread holder() {
        return holder;
    }

    Instant expiresAt() {
        return expiresAt;
    }

    void extendedUntil(Instant newExpiry) {
        expiresAt = newExpiry;
        renewals.incrementAndGet();
    }

    void enter() {
        holdCount.incrementAndGet();
    }

    /** @return true when this was the last hold */
    boolean exit() {
        return holdCount.decrementAndGet() == 0;
    }

    /** @return true for the one caller that moved it from HELD to LOST */
    boolean markLost() {
        boolean lost = state.compareAndSet(State.HELD, State.LOST);
        if (lost) {
            cancelWatchdog();
        }
        return lost;
    }

    /** @return true for the one caller that moved it to RELEASED */
    boolean markReleased() {
        State previous = state.getAndSet(State.RELEASED);
        cancelWatchdog();
        return previous != State.RELEASED;
    }

    boolean wasLost() {
        return state.get() == State.LOST;
    }

    void watchdog(ScheduledFuture<?> watchdog) {
        this.watchdog = watchdog;
    }

    private void cancelWatchdog() {
        ScheduledFuture<?> current = watchdog;
        if (current != null) {
            current.cancel(false);
        }
    }

    HeldLockInfo info() {
        Thread thread = holder;
        return new HeldLockInfo(key, options.name(), fencingToken, acquiredAt, expiresAt, renewals.get(),
                thread == null ? "(async)" : thread.getName());
    }
}
