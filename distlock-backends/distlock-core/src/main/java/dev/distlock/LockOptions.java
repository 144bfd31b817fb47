package dev.distlock;

import java.time.Duration;
import java.util.Objects;

/**
 * How to take one lock: the programmatic twin of the annotation's attributes.
 *
 * @param name        low-cardinality name for metrics and logs (the annotation's {@code name})
 * @param lease       how long the lock is held without renewal; positive
 * @param waitFor     how long to wait for a held lock; zero means try once
 * @param holdAtLeast the lock is kept at least this long after acquisition
 * @param autoRenew   renew the lease while held
 * @param fair        grant in request order
 * @param maxHold     the longest auto-renewal keeps the lock, counted from the grant, so that a hung
 *                    call cannot hold it forever; zero for no cap, else not shorter than the lease
 */
public record LockOptions(String name, Duration lease, Duration waitFor, Duration holdAtLeast,
                          boolean autoRenew, boolean fair, Duration maxHold) {

    /** No cap on how long auto-renewal keeps the lock. */
    public static final Duration NO_MAX_HOLD = Duration.ZERO;

    public LockOptions {
        Objects.requireNonNull(name, "name");
        requirePositive("lease", lease);
        requireNotNegative("waitFor", waitFor);
        requireNotNegative("holdAtLeast", holdAtLeast);
        requireNotNegative("maxHold", maxHold);
        if (!maxHold.isZero() && maxHold.compareTo(lease) < 0) {
            throw new IllegalArgumentException("maxHold must not be shorter than the lease (" + lease + "), was " + maxHold);
        }
    }

    /** Options without a cap on auto-renewal. */
    public LockOptions(String name, Duration lease, Duration waitFor, Duration holdAtLeast, boolean autoRenew, boolean fair) {
        this(name, lease, waitFor, holdAtLeast, autoRenew, fair, NO_MAX_HOLD);
    }

    /** Whether auto-renewal stops at {@link #maxHold()}. */
    public boolean capsHold() {
        return !maxHold.isZero();
    }

    /** Options with the given lease and wait, auto-renewed, not fair, no minimum hold. */
    public static LockOptions of(Duration lease, Duration waitFor) {
        return new LockOptions("programmatic", lease, waitFor, Duration.ZERO, true, false);
    }

    public LockOptions withName(String name) {
        return new LockOptions(name, lease, waitFor, holdAtLeast, autoRenew, fair, maxHold);
    }

    public LockOptions withLease(Duration lease) {
        return new LockOptions(name, lease, waitFor, holdAtLeast, autoRenew, fair, maxHold);
    }

    public LockOptions withWaitFor(Duration waitFor) {
        return new LockOptions(name, lease, waitFor, holdAtLeast, autoRenew, fair, maxHold);
    }

    public LockOptions withHoldAtLeast(Duration holdAtLeast) {
        return new LockOptions(name, lease, waitFor, holdAtLeast, autoRenew, fair, maxHold);
    }

    public LockOptions withAutoRenew(boolean autoRenew) {
        return new LockOptions(name, lease, waitFor, holdAtLeast, autoRenew, fair, maxHold);
    }

    public LockOptions withFair(boolean fair) {
        return new LockOptions(name, lease, waitFor, holdAtLeast, autoRenew, fair, maxHold);
    }

    /** Caps auto-renewal: the lock is given up {@code maxHold} after its grant even if the call still runs. */
    public LockOptions withMaxHold(Duration maxHold) {
        return new LockOptions(name, lease, waitFor, holdAtLeast, autoRenew, fair, maxHold);
    }

    private static void requirePositive(String what, Duration value) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + value);
        }
    }

    private static void requireNotNegative(String what, Duration value) {
        Objects.requireNonNull(value, what);
        if (value.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, was " + value);
        }
    }
}
