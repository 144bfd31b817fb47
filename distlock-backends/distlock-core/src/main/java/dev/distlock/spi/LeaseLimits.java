package dev.distlock.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * A backend that cannot make every lease length its crash-recovery time (ZooKeeper: a session
 * timeout within the server's bounds). The start-up checks ask it about every annotation's lease,
 * so that a lease it would refuse at the first call fails start-up instead.
 */
public interface LeaseLimits {

    /**
     * Why {@code lease} cannot be the time after which a crashed holder's lock is granted again,
     * naming what to change; empty when it can (or when the store cannot be asked now: the
     * acquisition will say).
     */
    Optional<String> refusal(Duration lease);
}
