package dev.distlock.autoconfigure.scheduling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.distlock.DistributedLock;
import dev.distlock.OnLocked;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.engine.LockEventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A reactive {@code @Scheduled} method: Spring calls it once, at start-up, and subscribes the
 * returned publisher at every trigger (ScheduledAnnotationReactiveSupport). The cron hold must be
 * worked out at each subscription, from the slot being fired, not once from the start-up time.
 */
class ScheduledReactiveTest {

    /**
     * The scheduler's clock reads 3 s before noon when it is first read (Spring calling the
     * methods at start-up): worked out then, the hold would last 2 s from the 12:00:00 run and
     * cover 12:00:01. Worked out at 12:00:00, it lasts half a second.
     */
    private static final Instant START = Instant.parse("2026-03-02T11:59:57Z");

    @Test
    void aReactiveCronJobHoldsEachSlotFromItsOwnFireTime() {
        Clock clock = new StartingClock(START);
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class))
                .withPropertyValues("distlock.backend=in-memory")
                .withBean("taskScheduler", ThreadPoolTaskScheduler.class, () -> {
                    ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
                    scheduler.setClock(clock);
                    scheduler.setPoolSize(2);
                    return scheduler;
                })
                .withBean(ReactiveJobs.class, () -> new ReactiveJobs(clock))
                .withUserConfiguration(Scheduling.class)
                .run(context -> {
                    ReactiveJobs jobs = context.getBean(ReactiveJobs.class);
                    Outcomes skips = context.getBean(Outcomes.class);
                    await().atMost(Duration.ofSeconds(20)).until(() ->
                            jobs.runs("mono").size() + skips.skipped("reactive-mono") >= 2
                                    && jobs.runs("flux").size() + skips.skipped("reactive-flux") >= 2);
                    assertThat(skips.skipped("reactive-mono")).as("Mono slots skipped (12:00:01 held by 12:00:00)").isZero();
                    assertThat(skips.skipped("reactive-flux")).as("Flux slots skipped (12:00:01 held by 12:00:00)").isZero();
                    assertThat(jobs.runs("mono")).as("Mono runs, by the scheduler's clock").hasSize(2);
                    assertThat(jobs.runs("flux")).as("Flux runs, by the scheduler's clock").hasSize(2);
                });
    }

    /** Reads {@code start} when first read, however long start-up took until then, and runs at real speed from there. */
    static final class StartingClock extends Clock {
        private final Instant start;
        private final AtomicLong firstReadNanos = new AtomicLong(Long.MIN_VALUE);

        StartingClock(Instant start) {
            this.start = start;
        }

        @Override
        public Instant instant() {
            long now = System.nanoTime();
            firstReadNanos.compareAndSet(Long.MIN_VALUE, now);
            return start.plusNanos(now - firstReadNanos.get());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("a UTC test clock");
        }
    }

    public static class ReactiveJobs {
        private final Clock clock;
        private final Map<String, List<Instant>> runs = new ConcurrentHashMap<>();

        public ReactiveJobs(Clock clock) {
            this.clock = clock;
        }

        @Scheduled(cron = "0,1 0 12 * * *", zone = "UTC")
        @DistributedLock(name = "reactive-mono", waitFor = "0s", onLocked = OnLocked.SKIP)
        public Mono<Void> mono() {
            return Mono.fromRunnable(() -> ran("mono"));
        }

        @Scheduled(cron = "0,1 0 12 * * *", zone = "UTC")
        @DistributedLock(name = "reactive-flux", waitFor = "0s", onLocked = OnLocked.SKIP)
        public Flux<Integer> flux() {
            return Flux.defer(() -> {
                ran("flux");
                return Flux.just(1, 2, 3);
            });
        }

        private void ran(String job) {
            runs.computeIfAbsent(job, name -> new CopyOnWriteArrayList<>()).add(clock.instant());
        }

        // An accessor, not the field: the bean is a CGLIB proxy, whose own fields are never set.
        public List<Instant> runs(String job) {
            return runs.getOrDefault(job, List.of());
        }
    }

    /** Counts the denied attempts per lock name. */
    static class Outcomes implements LockEventListener {
        private final Map<String, AtomicInteger> skipped = new ConcurrentHashMap<>();

        @Override
        public void notAcquired(String name, String key, Duration waited) {
            skipped.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
        }

        int skipped(String name) {
            AtomicInteger count = skipped.get(name);
            return count != null ? count.get() : 0;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    static class Scheduling {
        @Bean
        Outcomes outcomes() {
            return new Outcomes();
        }
    }
}
