package dev.distlock.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock a test moves by hand, to stand for a pause without sleeping: {@link #advance} moves wall
 * and monotonic time together (time passes), {@link #stepWallClock} only the wall clock (an NTP step).
 */
final class MutableClock extends Clock implements NanoClock {

    private volatile Instant now = Instant.now();
    private volatile long nanos = System.nanoTime();

    void advance(Duration duration) {
        now = now.plus(duration);
        nanos += duration.toNanos();
    }

    void stepWallClock(Duration step) {
        now = now.plus(step);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
