package dev.distlock.engine;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.distlock.spi.AcquireResult;

/**
 * A granted acquisition.
 *
 * @param fencingToken the store's token for this grant
 * @param sentAtNanos  when the attempt that was granted was sent ({@link NanoClock}): the lease starts then
 * @param validity     how long from then the store says the lease holds; null for the requested TTL
 */
record Grant(long fencingToken, long sentAtNanos, @Nullable Duration validity) {

    static Grant of(AcquireResult.Granted granted, long sentAtNanos) {
        return new Grant(granted.fencingToken(), sentAtNanos, granted.validity());
    }
}
