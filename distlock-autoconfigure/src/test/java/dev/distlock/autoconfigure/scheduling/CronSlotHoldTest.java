package dev.distlock.autoconfigure.scheduling;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.mock.env.MockEnvironment;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.support.CronExpression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Slot by slot, for regular and irregular crons and across DST transitions: a run fired on time, a
 * little late or a little early keeps its lock past its own fire time by every replica's clock
 * within the documented skew, and gives it back before the next fire time, so no slot is lost.
 * The time of the run is passed in, as the scheduler's clock would read it.
 */
class CronSlotHoldTest {

    /** How the scheduler may fire a slot: on time, late, or early (ScheduledThreadPoolExecutor counts nanoTime, the cron the wall clock). */
    private static final List<Duration> FIRED_AT = List.of(Duration.ZERO, Duration.ofMillis(1), Duration.ofMillis(20),
            Duration.ofMillis(-5));

    static Stream<Arguments> schedules() {
        return Stream.of(
                arguments("*/5 * * * * *", "UTC", "2026-03-02T12:00:00Z", Duration.ofMinutes(2)),
                arguments("0 0,5 * * * *", "UTC", "2026-03-02T12:00:00Z", Duration.ofHours(4)),
                arguments("0 0 9,10 * * *", "UTC", "2026-03-02T00:00:00Z", Duration.ofDays(4)),
                arguments("0 0 9 * * MON-FRI", "Europe/Berlin", "2026-03-02T00:00:00Z", Duration.ofDays(15)),
                // Berlin moves its clocks forward at 02:00 on 2026-03-29 and back at 03:00 on 2026-10-25.
                arguments("0 0,30 1-3 * * *", "Europe/Berlin", "2026-03-28T00:00:00Z", Duration.ofDays(2)),
                arguments("0 0,30 1-3 * * *", "Europe/Berlin", "2026-10-24T00:00:00Z", Duration.ofDays(2)),
                arguments("0 0 * * * *", "America/New_York", "2026-11-01T03:00:00Z", Duration.ofHours(6)));
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("schedules")
    void everySlotIsHeldPastItsFireTimeAndFreedBeforeTheNext(String cron, String zone, String from, Duration span) {
        CronSlots slots = CronSlots.of(method(), new MockEnvironment().withProperty("job.cron", cron).withProperty("job.zone", zone));
        List<Instant> fireTimes = fireTimes(CronExpression.parse(cron), ZoneId.of(zone), Instant.parse(from), span);
        assertThat(fireTimes).as("the window has slots").hasSizeGreaterThan(3);
        for (int i = 0; i < fireTimes.size() - 1; i++) {
            Instant slot = fireTimes.get(i);
            Instant next = fireTimes.get(i + 1);
            Duration gap = Duration.between(slot, next);
            // The documented skew: replicas whose clocks differ by less than the gap minus the margin
            // (half the gap, at most one second) fire this slot while the lock is still held.
            Duration skew = gap.minus(min(Duration.ofSeconds(1), gap.dividedBy(2)));
            for (Duration firedAt : FIRED_AT) {
                Instant now = slot.plus(firedAt);
                Instant heldUntil = now.plus(slots.holdFor(now));
                String run = "the run of " + slot + " fired at " + now + " (" + cron + " in " + zone + ")";
                assertThat(heldUntil).as(run + " must give the lock back before the next slot").isBefore(next);
                assertThat(heldUntil).as(run + " must hold until every replica within " + skew + " has fired the slot")
                        .isAfterOrEqualTo(slot.plus(skew));
            }
        }
    }

    private static List<Instant> fireTimes(CronExpression cron, ZoneId zone, Instant from, Duration span) {
        List<Instant> times = new ArrayList<>();
        ZonedDateTime next = cron.next(ZonedDateTime.ofInstant(from, zone));
        while (next != null && next.toInstant().isBefore(from.plus(span))) {
            times.add(next.toInstant());
            next = cron.next(next);
        }
        return times;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static java.lang.reflect.Method method() {
        try {
            return Job.class.getDeclaredMethod("run");
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    static class Job {
        @Scheduled(cron = "${job.cron}", zone = "${job.zone}")
        void run() {
        }
    }
}
