package dev.distlock.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void pausesGrowToTheCapWithJitter() {
        Backoff backoff = new Backoff(Duration.ofMillis(10), Duration.ofMillis(80));
        long[] steps = {10, 20, 40, 80, 80, 80};
        for (long step : steps) {
            long pause = backoff.nextPauseNanos();
            assertThat(pause).isBetween(Duration.ofMillis(step).toNanos() / 2, Duration.ofMillis(step).toNanos());
        }
    }
}
