package dev.distlock.autoconfigure.scheduling;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;
import org.springframework.scheduling.annotation.Scheduled;

import static org.assertj.core.api.Assertions.assertThat;

class CronSlotsTest {

    private static final Instant NOON = Instant.parse("2026-03-02T12:00:00Z");

    @Test
    void aRunKeepsItsLockUntilASecondBeforeItsNextFireTime() {
        CronSlots slots = slots("everyFiveMinutes");
        assertThat(slots.holdFor(NOON.plusMillis(10))).isEqualTo(Duration.ofMinutes(5).minusSeconds(1).minusMillis(10));
    }

    @Test
    void aShortIntervalKeepsHalfOfItFree() {
        CronSlots slots = slots("everySecond");
        assertThat(slots.holdFor(NOON.plusMillis(10))).isEqualTo(Duration.ofMillis(495));
    }

    @Test
    void aSchedulerFiringAFewMillisecondsEarlyCountsAsThatFireTime() {
        CronSlots slots = slots("everyFiveMinutes");
        assertThat(slots.holdFor(NOON.minusMillis(5))).isEqualTo(Duration.ofMinutes(5).minusSeconds(1).plusMillis(5));
    }

    @Test
    void placeholdersAndZonesAreResolved() {
        MockEnvironment environment = new MockEnvironment().withProperty("report.cron", "0 0 2 * * *");
        CronSlots slots = CronSlots.of(method("nightlyInBerlin"), environment);
        // 02:00 in Berlin (UTC+1 in March) is 01:00 UTC.
        assertThat(slots.holdFor(Instant.parse("2026-03-02T01:00:00Z"))).isEqualTo(Duration.ofDays(1).minusSeconds(1));
    }

    @Test
    void eachScheduleKeepsItsOwnZone() {
        CronSlots slots = slots("atNineInNewYorkAndInUtc");
        // 09:00 UTC; the next fire time is 09:00 in New York (summer time, UTC-4): 13:00 UTC.
        assertThat(slots.holdFor(Instant.parse("2026-06-01T09:00:00Z"))).isEqualTo(Duration.ofHours(4).minusSeconds(1));
        // 09:00 in New York; the next is 09:00 UTC the next day.
        assertThat(slots.holdFor(Instant.parse("2026-06-01T13:00:00Z"))).isEqualTo(Duration.ofHours(20).minusSeconds(1));
    }

    @Test
    void fixedRateAndUnscheduledMethodsHaveNoSlots() {
        assertThat(CronSlots.of(method("fixedRate"), new MockEnvironment())).isNull();
        assertThat(CronSlots.of(method("notScheduled"), new MockEnvironment())).isNull();
        assertThat(CronSlots.of(method("disabled"), new MockEnvironment())).isNull();
    }

    private static CronSlots slots(String methodName) {
        return CronSlots.of(method(methodName), new MockEnvironment());
    }

    private static java.lang.reflect.Method method(String name) {
        try {
            return Jobs.class.getDeclaredMethod(name);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    static class Jobs {
        @Scheduled(cron = "0 */5 * * * *", zone = "UTC")
        void everyFiveMinutes() {
        }

        @Scheduled(cron = "* * * * * *", zone = "UTC")
        void everySecond() {
        }

        @Scheduled(cron = "${report.cron}", zone = "Europe/Berlin")
        void nightlyInBerlin() {
        }

        @Scheduled(cron = "0 0 9 * * *", zone = "America/New_York")
        @Scheduled(cron = "0 0 9 * * *", zone = "UTC")
        void atNineInNewYorkAndInUtc() {
        }

        @Scheduled(fixedRate = 1000)
        void fixedRate() {
        }

        @Scheduled(cron = "-")
        void disabled() {
        }

        void notScheduled() {
        }
    }
}
