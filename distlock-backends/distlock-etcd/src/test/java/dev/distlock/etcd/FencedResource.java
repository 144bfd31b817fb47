package dev.distlock.etcd;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A resource that remembers the highest fencing token it has accepted and rejects a writer with a
 * lower one, and that counts writers inside it at once (must never exceed one).
 */
final class FencedResource {

    private long highestToken;
    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicInteger overlaps = new AtomicInteger();
    private final AtomicInteger staleRejected = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();

    /** Starts a write with {@code token}; false (and counted) when a higher token was accepted before. */
    boolean enter(long token) {
        synchronized (this) {
            if (token < highestToken) {
                staleRejected.incrementAndGet();
                return false;
            }
            highestToken = token;
            accepted.incrementAndGet();
        }
        if (inside.incrementAndGet() > 1) {
            overlaps.incrementAndGet();
        }
        return true;
    }

    /** Ends the write that {@link #enter} accepted. */
    void exit() {
        inside.decrementAndGet();
    }

    int overlaps() {
        return overlaps.get();
    }

    int staleRejected() {
        return staleRejected.get();
    }

    int accepted() {
        return accepted.get();
    }

    synchronized long highestToken() {
        return highestToken;
    }
}
