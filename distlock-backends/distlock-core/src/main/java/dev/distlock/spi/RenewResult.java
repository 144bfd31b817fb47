package dev.distlock.spi;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The answer to one {@link LockBackend#renewWithValidity(String, String, Duration)}.
 *
 * @param extended whether the owner still held the key and its lease was extended; false means lost
 * @param validity how long the extended lease holds, counted from when the renewal was sent; null for
 *                 the requested TTL. The engine never counts a lease longer than the TTL.
 */
public record RenewResult(boolean extended, @Nullable Duration validity) {

    private static final RenewResult EXTENDED = new RenewResult(true, null);
    private static final RenewResult REFUSED = new RenewResult(false, null);

    /** Extended for the requested TTL. */
    public static RenewResult renewed() {
        return EXTENDED;
    }

    /** Extended, valid for {@code validity} from when the renewal was sent. */
    public static RenewResult renewed(Duration validity) {
        return new RenewResult(true, validity);
    }

    /** Not extended: the owner no longer holds the key. */
    public static RenewResult refused() {
        return REFUSED;
    }

    static RenewResult of(boolean extended) {
        return extended ? EXTENDED : REFUSED;
    }
}
