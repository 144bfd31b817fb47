package dev.distlock.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * One attempt to acquire.
 *
 * @param key   the full key, {@code <namespace>:<name>:<value>}
 * @param owner unique per acquisition across all JVMs (see {@code OwnerIds})
 * @param ttl   the lease the store enforces if the owner goes silent
 * @param fair  grant in request order
 */
public record AcquireRequest(String key, String owner, Duration ttl, boolean fair) {

    public AcquireRequest {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(ttl, "ttl");
    }
}
