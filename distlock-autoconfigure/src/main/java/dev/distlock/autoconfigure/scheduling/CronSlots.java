package dev.distlock.autoconfigure.scheduling;

import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TimeZone;

import org.jspecify.annotations.Nullable;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.PropertyResolver;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.annotation.Schedules;
import org.springframework.scheduling.support.CronExpression;

/**
 * The cron schedule of a {@code @Scheduled(cron = ...)} method that also carries
 * {@code @DistributedLock}: tells how long a run must keep its lock so that each fire time runs
 * at most once across replicas whose clocks differ, and no fire time is lost.
 *
 * <p>Every replica fires the same slot, each by its own clock. The first to fire takes the lock
 * and keeps it (after the run, through {@code holdAtLeast}) until shortly before its own next
 * fire time; a replica whose clock is behind fires the same slot while the lock is still held,
 * and skips. The rules, for a run starting at {@code now} by the scheduler's clock:
 * <ul>
 * <li><b>Which slot the run is.</b> The latest fire time at or before {@code now}, however late
 * the run is; except that a run starting less than the <em>early tolerance</em> before the next
 * fire time {@code N} is that fire time fired early (a scheduler counts its delay on
 * {@code nanoTime} and the cron on the wall clock, so it may fire a few milliseconds early). The
 * tolerance is a tenth of the gap <em>before</em> {@code N} (from the fire time preceding it),
 * at most {@link #MAX_EARLY}: so a run is only ever taken for the nearer of the two fire times
 * around it, and an irregular cron ({@code 0 0,5 * * * *}: gaps of 5 and 55 minutes) never takes
 * an on-time or late run of one slot for an early run of the next.</li>
 * <li><b>Until when it holds.</b> Until a margin before the fire time after its slot: half the
 * time from the run (for an early run: from its slot) to that fire time, at most
 * {@link #MAX_MARGIN}. The lock therefore always ends before the next fire time by the holder's
 * clock, so the next slot is never blocked by this one: no slot is lost, on any cron.</li>
 * <li><b>The skew this tolerates.</b> With a gap {@code G} from a slot to the next fire time,
 * the lock is held until at least {@code G - min(1 s, G / 2)} after the slot (on time, late or
 * early): replicas whose clocks differ by less than that all see the slot taken. For a five-minute
 * cron that is 4 minutes 59 seconds; for the 5-minute gap of {@code 0 0,5 * * * *}, the same.</li>
 * </ul>
 * Each {@code @Scheduled} keeps its own zone; the next fire time is the earliest of them all.
 */
public final class CronSlots {

    /** The lock is let go at most this long before the next fire time. */
    static final Duration MAX_MARGIN = Duration.ofSeconds(1);

    /** A run is taken for an early firing of the next fire time at most this long before it. */
    static final Duration MAX_EARLY = Duration.ofMillis(500);

    /** The early tolerance is also at most the gap before the fire time divided by this. */
    private static final int EARLY_FRACTION = 10;

    private final List<Schedule> schedules;

    private CronSlots(List<Schedule> schedules) {
        this.schedules = List.copyOf(schedules);
    }

    /** The cron schedules on {@code method}, or null when it has none (fixed-rate, fixed-delay or not scheduled). */
    public static CronSlots of(Method method, PropertyResolver placeholders) {
        Set<Scheduled> annotations = AnnotatedElementUtils.getMergedRepeatableAnnotations(method, Scheduled.class, Schedules.class);
        List<Schedule> schedules = new ArrayList<>();
        for (Scheduled scheduled : annotations) {
            String cron = placeholders.resolvePlaceholders(scheduled.cron()).trim();
            // Empty: not a cron schedule; "-": disabled. An invalid one fails start-up in Spring's own processing.
            if (cron.isEmpty() || cron.equals(Scheduled.CRON_DISABLED) || !CronExpression.isValidExpression(cron)) {
                continue;
            }
            String zoneId = placeholders.resolvePlaceholders(scheduled.zone()).trim();
            ZoneId zone = zoneId.isEmpty() ? TimeZone.getDefault().toZoneId() : ZoneId.of(zoneId);
            schedules.add(new Schedule(CronExpression.parse(cron), zone));
        }
        return schedules.isEmpty() ? null : new CronSlots(schedules);
    }

    /**
     * How long a run starting at {@code now} (by the scheduler's clock) keeps its lock: until a
     * margin before the fire time after the run's slot (see the class comment for the rules).
     */
    public Duration holdFor(Instant now) {
        Instant next = nextAfter(now);
        if (next == null) {
            return Duration.ZERO;
        }
        Instant from = now;
        if (firedEarlyFor(next, now)) {
            Instant following = nextAfter(next);
            if (following == null) {
                return Duration.ZERO;
            }
            from = next;
            next = following;
        }
        Duration untilNext = Duration.between(now, next);
        Duration margin = min(MAX_MARGIN, Duration.between(from, next).dividedBy(2));
        return untilNext.minus(margin);
    }

    /**
     * Whether {@code now}, before the fire time {@code next}, is within the early tolerance of it:
     * at most {@link #MAX_EARLY} before it, and at most a tenth of the gap from the previous fire
     * time. The latter holds when no fire time lies between {@code next - 10 x (next - now)} and
     * {@code next}, which needs no "previous fire time" from the cron expression.
     */
    private boolean firedEarlyFor(Instant next, Instant now) {
        Duration early = Duration.between(now, next);
        if (early.compareTo(MAX_EARLY) > 0) {
            return false;
        }
        Instant previousAtLatest = next.minus(early.multipliedBy(EARLY_FRACTION));
        return next.equals(nextAfter(previousAtLatest));
    }

    private Instant nextAfter(Instant time) {
        Instant earliest = null;
        for (Schedule schedule : schedules) {
            Instant next = schedule.nextAfter(time);
            if (next != null && (earliest == null || next.isBefore(earliest))) {
                earliest = next;
            }
        }
        return earliest;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** One {@code @Scheduled} cron expression with its own zone. */
    private record Schedule(CronExpression expression, ZoneId zone) {
        @Nullable Instant nextAfter(Instant time) {
            ZonedDateTime next = expression.next(ZonedDateTime.ofInstant(time, zone));
            return next != null ? next.toInstant() : null;
        }
    }
}
