package dev.distlock.engine;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Jittered exponential back-off between polls, for backends that cannot notify waiters: many
 * waiters on one key spread out instead of hitting the store in step.
 */
final class Backoff {

    private final long minNanos;
    private final long maxNanos;
    private long nextNanos;

    Backoff(Duration min, Duration max) {
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
        this.nextNanos = minNanos;
    }

    /** The next pause: uniformly between half and all of the current step, which then doubles up to the cap. */
    long nextPauseNanos() {
        long step = nextNanos;
        nextNanos = Math.min(maxNanos, nextNanos * 2);
        return step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
    }
}
