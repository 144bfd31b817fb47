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

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.PropertyResolver;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.annotation.Schedules;
import org.springframework.scheduling.support.CronExpression;

/**
 * The cron schedule of a {@code @Scheduled(cron = ...)} method that also carries
 * {@code @DistributedLock}: tells how long a run must keep its lock so that each fire time runs
 * at most once across replicas whose clocks differ.
 *
 * <p>Every replica fires the same slot, each by its own clock. The first to fire takes the lock
 * and keeps it (after the run, through {@code holdAtLeast}) until shortly before its own next
 * fire time; a replica whose clock is behind fires the same slot while the lock is still held,
 * and skips. The lock is let go a margin before the holder's next fire time (half the interval,
 * at most one second) so that the next slot is not blocked by the previous one. This holds
 * for clock differences up to the interval minus that margin, however short the job is.
 */
public final class CronSlots {

    private static final Duration MAX_MARGIN = Duration.ofSeconds(1);

    private final List<CronExpression> expressions;
    private final ZoneId zone;

    private CronSlots(List<CronExpression> expressions, ZoneId zone) {
        this.expressions = List.copyOf(expressions);
        this.zone = zone;
    }

    /** The cron schedules on {@code method}, or null when it has none (fixed-rate, fixed-delay or not scheduled). */
    public static CronSlots of(Method method, PropertyResolver placeholders) {
        Set<Scheduled> annotations = AnnotatedElementUtils.getMergedRepeatableAnnotations(method, Scheduled.class, Schedules.class);
        List<CronExpression> expressions = new ArrayList<>();
        ZoneId zone = null;
        for (Scheduled scheduled : annotations) {
            String cron = placeholders.resolvePlaceholders(scheduled.cron()).trim();
            // Empty: not a cron schedule; "-": disabled. An invalid one fails start-up in Spring's own processing.
            if (cron.isEmpty() || cron.equals(Scheduled.CRON_DISABLED) || !CronExpression.isValidExpression(cron)) {
                continue;
            }
            expressions.add(CronExpression.parse(cron));
            String zoneId = placeholders.resolvePlaceholders(scheduled.zone()).trim();
            zone = zoneId.isEmpty() ? TimeZone.getDefault().toZoneId() : ZoneId.of(zoneId);
        }
        return expressions.isEmpty() ? null : new CronSlots(expressions, zone);
    }

    /**
     * How long a run starting at {@code now} (by the scheduler's clock) keeps its lock: until a
     * margin before the next fire time. A call a little before a fire time is taken to belong
     * to that fire time: schedulers may fire a few milliseconds early.
     */
    public Duration holdFor(Instant now) {
        Instant next = nextAfter(now);
        if (next == null) {
            return Duration.ZERO;
        }
        Instant following = nextAfter(next);
        if (following != null && Duration.between(now, next).compareTo(Duration.between(next, following).dividedBy(10)) < 0) {
            next = following;
        }
        Duration untilNext = Duration.between(now, next);
        Duration margin = untilNext.dividedBy(2).compareTo(MAX_MARGIN) < 0 ? untilNext.dividedBy(2) : MAX_MARGIN;
        return untilNext.minus(margin);
    }

    private Instant nextAfter(Instant time) {
        ZonedDateTime start = ZonedDateTime.ofInstant(time, zone);
        Instant earliest = null;
        for (CronExpression expression : expressions) {
            ZonedDateTime next = expression.next(start);
            if (next != null && (earliest == null || next.toInstant().isBefore(earliest))) {
                earliest = next.toInstant();
            }
        }
        return earliest;
    }
}
