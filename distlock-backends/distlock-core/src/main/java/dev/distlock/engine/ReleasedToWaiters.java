package dev.distlock.engine;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The unfair keys this engine released while other clients waited for them
 * ({@link dev.distlock.spi.ReleaseOutcome#RELEASED_TO_WAITERS}), and when. The releaser is one round
 * trip ahead of every waiter (they hear of the release when it is done, it can ask again at once), so
 * a JVM that asks again right after its release would keep the key for as long as it keeps asking,
 * and other JVMs starve. So the next acquisition of such a key by this engine waits for the waiters
 * first: up to {@link WaitSettings#waitersFirst()} after the release, or until a release notification
 * says one of them took the key and gave it back. Nothing is handed over: the waiters only ask first,
 * and every grant is still the store's, with its own fencing token. A key released with nobody
 * waiting is asked for again at once, as before.
 */
final class ReleasedToWaiters {

    /** Above this many keys remembered, a new one first drops those whose wait is over. */
    private static final int PRUNE_ABOVE = 256;

    private final ConcurrentHashMap<String, Long> releasedAt = new ConcurrentHashMap<>();
    private final NanoClock clock;
    private final long waitersFirstNanos;

    ReleasedToWaiters(NanoClock clock, WaitSettings settings) {
        this.clock = clock;
        this.waitersFirstNanos = settings.waitersFirst().toNanos();
    }

    /** {@code key} was released just now, and its release woke other clients' waiters. */
    void released(String key) {
        if (waitersFirstNanos <= 0) {
            return;
        }
        long now = clock.nanoTime();
        if (releasedAt.size() >= PRUNE_ABOVE) {
            releasedAt.values().removeIf(at -> now - at >= waitersFirstNanos);
        }
        releasedAt.put(key, now);
    }

    /**
     * For an acquisition of {@code key} starting now: how long it lets the woken waiters go first, in
     * nanoseconds, 0 when none were woken by this engine's last release of it or their time is over.
     * Asked once per acquisition: the key is forgotten.
     */
    long waitersFirstNanos(String key) {
        if (releasedAt.isEmpty()) { // the common case: no map lookup per acquisition
            return 0;
        }
        Long at = releasedAt.remove(key);
        if (at == null) {
            return 0;
        }
        return Math.max(0, waitersFirstNanos - (clock.nanoTime() - at));
    }
}
