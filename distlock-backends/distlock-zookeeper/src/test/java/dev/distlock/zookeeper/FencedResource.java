package dev.distlock.zookeeper;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A protected resource that checks fencing tokens, as a storage service would: a write with a token
 * lower than one it already accepted comes from a stale holder and is refused.
 */
final class FencedResource {

    private long highestToken = Long.MIN_VALUE;
    private final AtomicInteger refused = new AtomicInteger();

    synchronized boolean write(long token) {
        if (token < highestToken) {
            refused.incrementAndGet();
            return false;
        }
        highestToken = token;
        return true;
    }

    int refusedWrites() {
        return refused.get();
    }
}
