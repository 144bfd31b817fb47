package dev.distlock.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import org.jspecify.annotations.Nullable;

import dev.distlock.Lease;
import dev.distlock.LockOptions;

/**
 * One grant from the backend as the engine tracks it, and the first acquisition's handle on it:
 * shared by every re-entrant {@link ReentrantLease} of the same thread, released to the backend when
 * the last handle closes.
 *
 * <p>Holds are counted in two kinds. A synchronous hold belongs to the thread inside the locked
 * call; a detached hold belongs to async work (a future) and to no thread. The acquiring thread is
 * the holder, and may re-enter, only while it has a synchronous hold; the grant is released when the
 * last hold of either kind ends, and from then on nobody can enter it.
 *
 * <p>Times are monotonic ({@link NanoClock}): the lease started when the granted attempt was sent.
 * The renewal schedule is kept here too, in plain fields that the engine's one renewal sweep reads
 * ({@link RenewalWatchdog}): nothing is scheduled per lock.
 */
final class HeldLock extends EngineLease {

    enum State { HELD, LOST, RELEASED }

    /** How the grant is given back when its last hold ends: {@link #endingAt}. */
    enum Ending {
        /** Released now; only a grant still held (not lost) this way may be handed over to a local waiter. */
        NOW,
        /** Shortened to {@code holdAtLeast}'s remaining time and released then. */
        AFTER_HOLD_AT_LEAST,
        /** Its lease ran out while held (a pause past it): lost, since a successor may have overlapped, then released now. */
        RAN_OUT
    }

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final CompletableFuture<?> NO_RENEWAL = CompletableFuture.completedFuture(null);
    private static final RenewalsSent NONE_SENT = new RenewalsSent(NO_RENEWAL, NO_RENEWAL);
    // Field updaters rather than an atomic object per lock: a lock held for a moment allocates less.
    private static final AtomicReferenceFieldUpdater<HeldLock, State> STATE =
            AtomicReferenceFieldUpdater.newUpdater(HeldLock.class, State.class, "state");
    private static final AtomicIntegerFieldUpdater<HeldLock> RENEWALS = AtomicIntegerFieldUpdater.newUpdater(HeldLock.class, "renewals");

    final String key;
    final String owner;
    final long fencingToken;
    final LockOptions options;
    private final LockEngine engine;
    /**
     * The wall-clock time of {@link #grantedAtNanos}, for display: in nanoseconds since the epoch, a
     * long rather than the Instant the clock told, one object less per grant at the same precision
     * (until the year 2262).
     */
    private final long grantedAtEpochNanos;
    private final long grantedAtNanos;
    private volatile long expiresAtNanos;
    /**
     * The lease asked for: the options' until {@link Lease#extend} changes it. A reference to a
     * Duration there is anyway rather than a long, and an int counter below: 8 bytes less per lock.
     */
    private volatile Duration lease;
    private volatile State state = State.HELD;
    /** Counted for display; an int is ample (a renewal a second for 68 years). */
    private volatile int renewals;
    /** In one field (a record per renewal, not two fields per lock): the renewals sent so far. */
    private volatile RenewalsSent renewalsSent = NONE_SENT;
    /**
     * The renewal schedule, on the scheduler's clock (RenewalWatchdog's), written by the watchdog only;
     * set before the engine lists the lock among those the sweep reads.
     */
    private volatile long renewalDueAt;
    private volatile boolean renewalStopped;
    private volatile @Nullable Throwable renewalFailure;
    private volatile boolean renewAlone;
    // Guarded by this: the holds and who may re-enter; the grant has ended when none is left.
    private @Nullable Thread holder;
    private int syncHolds = 1;
    private int detachedHolds;
    // This object as the first acquisition's handle: written under this, read without.
    private volatile boolean firstClosed;
    private volatile boolean firstDetached;

    /**
     * @param answeredAt      the wall clock when the grant's answer came, at {@code answeredAtNanos}
     * @param grantedAtNanos  when the granted attempt was sent: the lease runs from then
     * @param validity        how long the store says the grant holds from {@code grantedAtNanos}; null for the lease
     */
    HeldLock(String key, String owner, long fencingToken, LockOptions options, Instant answeredAt, long answeredAtNanos,
             long grantedAtNanos, @Nullable Duration validity, Thread holder, LockEngine engine) {
        this.key = key;
        this.owner = owner;
        this.fencingToken = fencingToken;
        this.options = options;
        this.engine = engine;
        long answeredAtEpochNanos = Math.addExact(Math.multiplyExact(answeredAt.getEpochSecond(), NANOS_PER_SECOND),
                answeredAt.getNano());
        this.grantedAtEpochNanos = answeredAtEpochNanos - (answeredAtNanos - grantedAtNanos);
        this.grantedAtNanos = grantedAtNanos;
        this.lease = options.lease();
        this.expiresAtNanos = grantedAtNanos + validNanos(validity);
        this.holder = holder;
    }

    boolean isHeldAt(long nowNanos) {
        return state == State.HELD && nowNanos - expiresAtNanos < 0;
    }

    boolean hasRunOutAt(long nowNanos) {
        return nowNanos - expiresAtNanos >= 0;
    }

    /** The one decision of how a grant whose last hold ends at {@code nowNanos} is given back. */
    Ending endingAt(long nowNanos) {
        State current = state;
        if (current == State.HELD && hasRunOutAt(nowNanos)) {
            return Ending.RAN_OUT;
        }
        return current != State.LOST && holdUntilNanos() - nowNanos > 0 ? Ending.AFTER_HOLD_AT_LEAST : Ending.NOW;
    }

    /** Whether the grant may go straight to a local waiter at {@code nowNanos}: held, in good order, and due for release now. */
    boolean canBeHandedOverAt(long nowNanos) {
        return isHeld() && endingAt(nowNanos) == Ending.NOW;
    }

    boolean isHeld() {
        return state == State.HELD;
    }

    boolean wasLost() {
        return state == State.LOST;
    }

    long grantedAtNanos() {
        return grantedAtNanos;
    }

    long expiresAtNanos() {
        return expiresAtNanos;
    }

    /** The lease each renewal asks for: the options' object while no extension changed it. */
    Duration lease() {
        return lease;
    }

    long leaseNanos() {
        return lease.toNanos();
    }

    /** When auto-renewal stops under {@code maxHold}, on the monotonic clock. */
    long maxHoldEndNanos() {
        return grantedAtNanos + options.maxHold().toNanos();
    }

    /** When {@code holdAtLeast} has passed, on the monotonic clock. */
    long holdUntilNanos() {
        return grantedAtNanos + options.holdAtLeast().toNanos();
    }

    /**
     * The wall-clock instant of {@code nanos} on the monotonic clock, counted from the grant: for
     * display, computed when asked, not per grant.
     */
    Instant wallClockAt(long nanos) {
        return Instant.ofEpochSecond(0, grantedAtEpochNanos + (nanos - grantedAtNanos));
    }

    @Override
    HeldLock grant() {
        return this;
    }

    @Override
    LockEngine engine() {
        return engine;
    }

    @Override
    synchronized boolean markClosed() {
        if (firstClosed) {
            return false;
        }
        firstClosed = true;
        return true;
    }

    @Override
    boolean isClosed() {
        return firstClosed;
    }

    @Override
    synchronized boolean markDetached() {
        if (firstClosed || firstDetached) {
            return false;
        }
        firstDetached = true;
        return true;
    }

    @Override
    boolean isDetached() {
        return firstDetached;
    }

    /** Whether {@code thread} is inside a synchronous locked call of this grant. */
    synchronized boolean isHeldBy(Thread thread) {
        return !hasEnded() && holder == thread;
    }

    /** One more synchronous hold by {@code thread}; false when it is not the holder or the grant has ended. */
    synchronized boolean tryEnter(Thread thread) {
        if (hasEnded() || holder != thread) {
            return false;
        }
        syncHolds++;
        return true;
    }

    /** Turns one synchronous hold into a detached one: a call returned unfinished async work. */
    synchronized void detach() {
        syncHolds--;
        detachedHolds++;
        if (syncHolds == 0) {
            holder = null;
        }
    }

    /** Ends one hold; true for the last one, after which the grant is released and nobody enters it. */
    synchronized boolean exit(boolean detached) {
        if (detached) {
            detachedHolds--;
        } else if (--syncHolds == 0) {
            holder = null;
        }
        return hasEnded();
    }

    /** No hold is left: the grant is released, and nobody enters it again (a count never rises from zero). Under this. */
    private boolean hasEnded() {
        return syncHolds == 0 && detachedHolds == 0;
    }

    /** Interrupts the holder only while it is inside the locked call, never after it returned. */
    synchronized void interruptHolderIfInside() {
        if (syncHolds > 0 && holder != null) {
            holder.interrupt();
        }
    }

    /**
     * A renewal sent at {@code sentAtNanos} for {@code requested} was granted: the lease runs from then,
     * for {@code validity} (null: what was requested). Ignored once released or lost.
     */
    void renewedFrom(long sentAtNanos, @Nullable Duration validity, Duration requested) {
        if (isHeld()) {
            expiresAtNanos = sentAtNanos + Math.min(requested.toNanos(), validNanos(validity));
            RENEWALS.incrementAndGet(this);
        }
    }

    /** @return true for the one caller that moved it from HELD to LOST */
    boolean markLost() {
        return STATE.compareAndSet(this, State.HELD, State.LOST);
    }

    /** @return true for the one caller that moved it to RELEASED */
    boolean markReleased() {
        return STATE.getAndSet(this, State.RELEASED) != State.RELEASED;
    }

    /** The latest moment (scheduler's clock) the next renewal may be sent. */
    long renewalDueAt() {
        return renewalDueAt;
    }

    /** The first renewal is due, or a renewal (or an extension) was sent and the next is due, at {@code dueAt}. */
    void renewalDueAt(long dueAt) {
        renewalDueAt = dueAt;
    }

    /** Whether renewals keep it: auto-renewed, and {@code maxHold} not reached. */
    boolean isRenewing() {
        return options.autoRenew() && !renewalStopped;
    }

    /** At {@code maxHold}: renewed no more, lost when the lease that reaches the cap runs out. */
    void stopRenewing() {
        renewalStopped = true;
    }

    boolean renewalStopped() {
        return renewalStopped;
    }

    /**
     * The last renewal was answered, or an extension granted: no failure to retry, and back in
     * shared batches.
     */
    void renewalAnswered() {
        renewalFailure = null;
        renewAlone = false;
    }

    /**
     * The last renewal failed: it is retried, and the lock is lost if its lease runs out first.
     *
     * @param hung the store call had not ended when the engine stopped waiting: sent alone from now
     *             on, so that a key that hangs holds up only its own renewals
     */
    void renewalFailed(Throwable failure, boolean hung) {
        renewalFailure = failure;
        if (hung) {
            renewAlone = true;
        }
    }

    /** Why the last renewal failed, while it has not been renewed since; null otherwise. */
    @Nullable Throwable renewalFailure() {
        return renewalFailure;
    }

    boolean renewsAlone() {
        return renewAlone;
    }

    /** Lost unless renewed before its lease runs out: not auto-renewed, stopped at maxHold, or retrying. */
    boolean isWatchedForExpiry() {
        return !options.autoRenew() || renewalStopped || renewalFailure != null;
    }

    boolean renewalInFlight() {
        return !renewalsSent.answered().isDone();
    }

    /**
     * Registers a renewal (the watchdog's or an extension) unless one is in flight, so that two never
     * race at the store: the later one to land would decide the lease's length.
     *
     * @param answered completes when the engine has the answer (or stopped waiting at the deadline)
     * @param ended    completes, never exceptionally, once {@code answered} has and the call has ended
     *                 on its store-call thread as well; shared by the leases of one renewal batch
     * @return false when another renewal is still in flight
     */
    synchronized boolean tryStartRenewal(CompletableFuture<?> answered, CompletableFuture<?> ended) {
        if (renewalInFlight()) {
            return false;
        }
        // Also every earlier renewal: one the engine stopped waiting for may still be running when the next is sent.
        CompletableFuture<?> earlier = renewalsSent.settled();
        renewalsSent = new RenewalsSent(answered, earlier.isDone() ? ended : CompletableFuture.allOf(earlier, ended));
        return true;
    }

    /** Completes when every renewal sent so far has ended on its store-call thread. */
    CompletableFuture<?> renewalsSettled() {
        return renewalsSent.settled();
    }

    /** An extension sent at {@code sentAtNanos} for {@code lease} was granted: renewals ask for it from now on. */
    void extendedFrom(long sentAtNanos, Duration validity, Duration lease) {
        this.lease = lease;
        renewedFrom(sentAtNanos, validity, lease);
    }

    /**
     * Runs {@code action} once no renewal is in flight, not even one the engine stopped waiting for,
     * so that a renewal sent earlier cannot land after it at the store (a renewal that arrives after the shortening to {@code holdAtLeast}
     * would extend the lease to its full length again).
     */
    void afterRenewalInFlight(Runnable action) {
        renewalsSent.settled().thenRun(action);
    }

    /** What the store said the lease holds, never more than the lease this holder asked for. */
    private long validNanos(@Nullable Duration validity) {
        long lease = leaseNanos();
        return validity == null ? lease : Math.min(lease, Math.max(0, validity.toNanos()));
    }

    HeldLockInfo info() {
        Thread thread;
        synchronized (this) {
            thread = holder;
        }
        return new HeldLockInfo(key, options.name(), fencingToken, acquiredAt(), expiresAt(), renewals,
                thread == null ? "(async)" : thread.getName());
    }

    /**
     * @param answered the latest renewal's answer (or the engine's stop waiting for it)
     * @param settled  completes once every renewal sent so far has ended on its store-call thread
     */
    private record RenewalsSent(CompletableFuture<?> answered, CompletableFuture<?> settled) {
    }
}
