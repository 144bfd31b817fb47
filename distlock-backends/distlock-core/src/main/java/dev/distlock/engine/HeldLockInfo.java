package dev.distlock.engine;

import java.time.Instant;

/**
 * A lock this engine holds now, for the Actuator endpoint.
 *
 * @param renewals how often the lease was extended
 * @param holder   name of the thread that acquired it
 */
public record HeldLockInfo(String key, String name, long fencingToken, Instant acquiredAt, Instant expiresAt,
                           long renewals, String holder) {
}
