package dev.distlock.autoconfigure.scheduling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import dev.distlock.DistributedLock;
import dev.distlock.OnLocked;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.engine.LockEventListener;
import dev.distlock.inmemory.InMemoryLockBackend;
import dev.distlock.spi.LockBackend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two replicas of one application share a lock store; one replica's clock runs ahead of the
 * other's by more than the job takes. Both fire the same cron slots; each slot runs once.
 */
class ScheduledAcrossReplicasTest {

    /** Fire times each replica ran, by its own clock: a slot that ran twice appears twice. */
    static final List<Run> RUNS = new CopyOnWriteArrayList<>();

    private static final Duration SKEW = Duration.ofMillis(300);

    @Test
    void aCronJobRunsAtMostOncePerFireTimeAlthoughOneReplicasClockIsAhead() {
        RUNS.clear();
        InMemoryLockBackend sharedStore = new InMemoryLockBackend();
        replica(sharedStore, "behind", Clock.systemUTC()).run(behind ->
                replica(sharedStore, "ahead", Clock.offset(Clock.systemUTC(), SKEW)).run(ahead -> {
                    await().atMost(Duration.ofSeconds(20)).until(() -> RUNS.stream().map(Run::slot).distinct().count() >= 5);
                    assertThat(behind.getBean(Skips.class).count()).as("the replica behind fired too, and found the slot taken")
                            .isPositive();
                }));
        assertThat(RUNS).extracting(Run::slot).doesNotHaveDuplicates();
    }

    private static ApplicationContextRunner replica(LockBackend sharedStore, String name, Clock clock) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class))
                .withBean(LockBackend.class, () -> sharedStore)
                .withBean("taskScheduler", ThreadPoolTaskScheduler.class, () -> {
                    ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
                    scheduler.setClock(clock);
                    scheduler.setThreadNamePrefix(name + "-");
                    return scheduler;
                })
                .withBean(ReportJob.class, () -> new ReportJob(name, clock))
                .withUserConfiguration(Scheduling.class);
    }

    record Run(String replica, Instant slot) {
    }

    public static class ReportJob {
        private final String replica;
        private final Clock clock;

        public ReportJob(String replica, Clock clock) {
            this.replica = replica;
            this.clock = clock;
        }

        /** No holdAtLeast: the cron schedule alone makes distlock hold the lock until just before the next slot. */
        @Scheduled(cron = "* * * * * *")
        @DistributedLock(name = "report", onLocked = OnLocked.SKIP)
        public void report() {
            // The slot this run belongs to, by this replica's clock (the one its scheduler fired by):
            // the nearest whole second, as a run starts within milliseconds of its fire time.
            RUNS.add(new Run(replica, Instant.ofEpochSecond(Math.round(clock.millis() / 1000.0))));
        }
    }

    /** Counts this replica's skipped runs. */
    static class Skips implements LockEventListener {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public void notAcquired(String name, String key, Duration waited) {
            count.incrementAndGet();
        }

        int count() {
            return count.get();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    static class Scheduling {
        @Bean
        Skips skips() {
            return new Skips();
        }
    }
}
