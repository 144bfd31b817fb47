package dev.distlock.autoconfigure.interceptor;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
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
import dev.distlock.DistributedLocks;
import dev.distlock.Lease;
import dev.distlock.LockNotAcquiredException;
import dev.distlock.LockOptions;
import dev.distlock.OnLocked;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.engine.LockEventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Without an explicit {@code onLocked}, a {@code @Scheduled} run that finds its lock held by another
 * replica is skipped (that replica runs it), and any other method fails.
 */
class DefaultOnLockedTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class))
            .withPropertyValues("distlock.backend=in-memory")
            .withUserConfiguration(Jobs.class);

    @Test
    void aScheduledRunLosingTheRaceIsSkippedWithoutAnError() {
        runner.run(context -> {
            DeniedCounter denied = context.getBean(DeniedCounter.class);
            List<Throwable> schedulerErrors = context.getBean(Jobs.class).errors;
            CleanupJob job = context.getBean(CleanupJob.class);
            Lease held = context.getBean(DistributedLocks.class)
                    .tryAcquire("cleanup", LockOptions.of(Duration.ofSeconds(30), Duration.ofSeconds(10))).orElseThrow();
            try {
                int runsBefore = job.runs();
                int deniedBefore = denied.count("cleanup");
                await().atMost(Duration.ofSeconds(10)).until(() -> denied.count("cleanup") >= deniedBefore + 3);
                assertThat(job.runs()).as("no run while held elsewhere").isEqualTo(runsBefore);
                assertThat(schedulerErrors).as("errors the scheduler saw").isEmpty();
            } finally {
                held.close();
            }
        });
    }

    @Test
    void anExplicitFailOnAScheduledMethodStillFails() {
        runner.run(context -> {
            DeniedCounter denied = context.getBean(DeniedCounter.class);
            List<Throwable> schedulerErrors = context.getBean(Jobs.class).errors;
            Lease held = context.getBean(DistributedLocks.class)
                    .tryAcquire("strict", LockOptions.of(Duration.ofSeconds(30), Duration.ofSeconds(10))).orElseThrow();
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> denied.count("strict") >= 1 && !schedulerErrors.isEmpty());
                assertThat(schedulerErrors).first().isInstanceOf(LockNotAcquiredException.class);
            } finally {
                held.close();
            }
        });
    }

    @Test
    void aMethodThatIsNotScheduledFailsByDefault() {
        runner.run(context -> {
            Lease held = context.getBean(DistributedLocks.class)
                    .tryAcquire("invoice", LockOptions.of(Duration.ofSeconds(30), Duration.ofSeconds(10))).orElseThrow();
            try {
                // From another thread: this one holds the lock and would re-enter it.
                InvoiceService service = context.getBean(InvoiceService.class);
                assertThatThrownBy(() -> CompletableFuture.runAsync(service::invoice).get(10, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(LockNotAcquiredException.class);
            } finally {
                held.close();
            }
        });
    }

    public static class CleanupJob {
        private final AtomicInteger runs = new AtomicInteger();

        @Scheduled(fixedDelay = 20)
        @DistributedLock(name = "cleanup")
        public void cleanup() {
            runs.incrementAndGet();
        }

        public int runs() {
            return runs.get();
        }
    }

    public static class StrictJob {
        @Scheduled(fixedDelay = 20)
        @DistributedLock(name = "strict", onLocked = OnLocked.FAIL)
        public void run() {
        }
    }

    public static class InvoiceService {
        @DistributedLock(name = "invoice")
        public void invoice() {
        }
    }

    /** Counts denied attempts per lock name. */
    static class DeniedCounter implements LockEventListener {
        private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

        @Override
        public void notAcquired(String name, String key, Duration waited) {
            counts.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
        }

        int count(String name) {
            AtomicInteger count = counts.get(name);
            return count == null ? 0 : count.get();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    static class Jobs {
        final List<Throwable> errors = new CopyOnWriteArrayList<>();

        @Bean
        ThreadPoolTaskScheduler taskScheduler() {
            ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
            scheduler.setErrorHandler(errors::add);
            return scheduler;
        }

        @Bean
        CleanupJob cleanupJob() {
            return new CleanupJob();
        }

        @Bean
        StrictJob strictJob() {
            return new StrictJob();
        }

        @Bean
        InvoiceService invoiceService() {
            return new InvoiceService();
        }

        @Bean
        DeniedCounter deniedCounter() {
            return new DeniedCounter();
        }
    }
}
