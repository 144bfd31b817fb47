package dev.distlock.spi;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/** The answer to one {@link LockBackend#tryAcquire(AcquireRequest)}. */
public sealed interface AcquireResult {

    static AcquireResult granted(long fencingToken) {
        return new Granted(fencingToken, null);
    }

    /**
     * Granted, valid for {@code validity} from when the attempt was sent: for a store that knows the
     * lease ends before the requested TTL (Redlock allows for clock drift between its nodes).
     */
    static AcquireResult granted(long fencingToken, Duration validity) {
        return new Granted(fencingToken, validity);
    }

    /** Denied, with no idea when the lock frees up. */
    static AcquireResult denied() {
        return Denied.UNKNOWN;
    }

    /** Denied; the current holder's lease runs out in {@code holderRemaining} unless it is renewed. */
    static AcquireResult denied(Duration holderRemaining) {
        return new Denied(holderRemaining);
    }

    /**
     * The lock is ours.
     *
     * @param fencingToken strictly greater than every token issued before for this key
     * @param validity     how long the lease holds, counted from when the attempt was sent; null for
     *                     the requested TTL. The engine never counts a lease longer than the TTL.
     */
    record Granted(long fencingToken, @Nullable Duration validity) implements AcquireResult {

        public Granted(long fencingToken) {
            this(fencingToken, null);
        }
    }

    /**
     * Someone else holds it (or is ahead in a fair queue).
     *
     * @param holderRemaining how long the holder's lease has left, or null when unknown; lets a
     *                        waiter retry right at expiry instead of at its next poll
     */
    record Denied(@Nullable Duration holderRemaining) implements AcquireResult {
        static final Denied UNKNOWN = new Denied(null);
    }
}
