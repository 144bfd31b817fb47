package dev.distlock.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * One attempt to acquire.
 *
 * @param key       the full key, {@code <namespace>:<name>:<value>}
 * @param owner     unique per acquisition across all JVMs (see {@code OwnerIds})
 * @param ttl       the lease the store enforces if the owner goes silent
 * @param fair      grant in request order
 * @param autoRenew whether the engine will renew the lease while the lock is held; false means the
 *                  lock must end at {@code ttl} even though the process lives, so a store that keeps
 *                  leases alive on its own (etcd's shared lease) gives this one a lease of its own
 */
public record AcquireRequest(String key, String owner, Duration ttl, boolean fair, boolean autoRenew) {

    public AcquireRequest {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(ttl, "ttl");
    }

    /** A request whose lease the engine renews while it is held. */
    public AcquireRequest(String key, String owner, Duration ttl, boolean fair) {
        this(key, owner, ttl, fair, true);
    }
}
