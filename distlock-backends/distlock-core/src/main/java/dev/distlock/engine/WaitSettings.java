package dev.distlock.engine;

import java.time.Duration;

/**
 * How the engine waits for a held lock.
 *
 * @param minBackoff     first pause between polls when the backend cannot notify
 * @param maxBackoff     longest pause between polls when the backend cannot notify
 * @param safetyPoll     with notifications, the longest wait before polling anyway, in case a
 *                       release message was lost
 * @param waitersFirst   after a release that woke other clients' waiters
 *                       ({@link dev.distlock.spi.ReleaseOutcome#RELEASED_TO_WAITERS}), how long this
 *                       engine's next attempt at the key waits for them: until a release notification
 *                       (one of them took the key and gave it back) or this much after the release
 *                       (none took it), whichever is first
 */
public record WaitSettings(Duration minBackoff, Duration maxBackoff, Duration safetyPoll, Duration waitersFirst) {

    /** A woken waiter's attempt takes a notification and one store round trip; 100 ms leaves it plenty. */
    public static final Duration DEFAULT_WAITERS_FIRST = Duration.ofMillis(100);

    public static final WaitSettings DEFAULT =
            new WaitSettings(Duration.ofMillis(10), Duration.ofMillis(500), Duration.ofSeconds(1));

    /** With the default {@link #waitersFirst}. */
    public WaitSettings(Duration minBackoff, Duration maxBackoff, Duration safetyPoll) {
        this(minBackoff, maxBackoff, safetyPoll, DEFAULT_WAITERS_FIRST);
    }
}
