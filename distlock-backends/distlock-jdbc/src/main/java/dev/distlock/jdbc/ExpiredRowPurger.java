package dev.distlock.jdbc;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.distlock.spi.support.DaemonThreads;

/**
 * Deletes, on a daemon thread of its own, the rows of locks that have been expired longer than
 * {@code idleFor}: those of holders that never released (see {@link JdbcLockBackend#purgeExpired}).
 * Runs every half of {@code idleFor}, between once a second and once an hour; a failed round is
 * logged and the next one tries again.
 */
final class ExpiredRowPurger implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ExpiredRowPurger.class);
    private static final Duration SHORTEST_PERIOD = Duration.ofSeconds(1);
    private static final Duration LONGEST_PERIOD = Duration.ofHours(1);

    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("distlock-jdbc-purge"));

    /** {@code purge}: deletes the rows expired longer than its argument, returns how many. */
    ExpiredRowPurger(Duration idleFor, ToIntFunction<Duration> purge) {
        long periodMillis = Math.max(SHORTEST_PERIOD.toMillis(), Math.min(idleFor.toMillis() / 2, LONGEST_PERIOD.toMillis()));
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                int deleted = purge.applyAsInt(idleFor);
                log.debug("distlock-jdbc purged {} lock rows expired for more than {}", deleted, idleFor);
            } catch (RuntimeException e) {
                log.warn("distlock-jdbc could not purge expired lock rows: {}", e.getMessage());
            }
        }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
