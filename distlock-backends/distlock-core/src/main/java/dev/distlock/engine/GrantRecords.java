package dev.distlock.engine;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.distlock.LockOptions;
import dev.distlock.spi.AcquireRequest;

/**
 * Makes the engine's record of a grant, on the acquiring thread, as the store's answer comes: the
 * {@link AcquireLoop} hands back the {@link HeldLock} itself rather than an intermediate grant object
 * that an uncontended lock would allocate only to copy it.
 */
@FunctionalInterface
interface GrantRecords {

    /**
     * @param sentAtNanos when the granted attempt was sent ({@link NanoClock}): the lease runs from then
     * @param validity    how long from then the store says the lease holds; null for the requested TTL
     */
    HeldLock granted(AcquireRequest request, LockOptions options, long fencingToken, long sentAtNanos,
            @Nullable Duration validity);
}
