package dev.distlock.engine;

import java.time.Duration;

/**
 * How the engine waits for a held lock.
 *
 * @param minBackoff   first pause between polls when the backend cannot notify
 * @param maxBackoff   longest pause between polls when the backend cannot notify
 * @param safetyPoll   with notifications, the longest wait before polling anyway, in case a
 *                     release message was lost
 */
public record WaitSettings(Duration minBackoff, Duration maxBackoff, Duration safetyPoll) {

    public static final WaitSettings DEFAULT =
            new WaitSettings(Duration.ofMillis(10), Duration.ofMillis(500), Duration.ofSeconds(1));
}
