package dev.distlock.autoconfigure.interceptor;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

import dev.distlock.DistributedLock;
import dev.distlock.DistributedLocks;
import dev.distlock.Lease;
import dev.distlock.LockContext;
import dev.distlock.LockOptions;
import dev.distlock.OnLocked;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.engine.LockEventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A {@code @Scheduled} job guarded by the annotation: runs under the lock, and skips while another instance holds it. */
class ScheduledLockTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class))
            .withPropertyValues("distlock.backend=in-memory")
            .withUserConfiguration(Scheduling.class);

    @Test
    void theScheduledJobRunsUnderItsLock() {
        runner.run(context -> {
            ReportJob job = context.getBean(ReportJob.class);
            assertThat(job.firstRun().await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(job.firstLeaseKey()).isEqualTo("distlock:nightly-report");
        });
    }

    @Test
    void theScheduledJobSkipsWhileTheLockIsHeldElsewhere() {
        runner.run(context -> {
            ReportJob job = context.getBean(ReportJob.class);
            SkipCounter skips = context.getBean(SkipCounter.class);
            DistributedLocks locks = context.getBean(DistributedLocks.class);
            // As another instance would: the test thread is not the scheduler's, so the job cannot re-enter.
            Lease held = locks.tryAcquire("nightly-report", LockOptions.of(Duration.ofSeconds(30), Duration.ofSeconds(10))).orElseThrow();
            int runsBefore = job.runs();
            int skipsBefore = skips.count.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> skips.count.get() >= skipsBefore + 3);
            assertThat(job.runs()).as("no run while held elsewhere").isEqualTo(runsBefore);
            held.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> job.runs() > runsBefore);
        });
    }

    public static class ReportJob {
        final AtomicInteger runs = new AtomicInteger();
        final CountDownLatch firstRun = new CountDownLatch(1);
        volatile String firstLeaseKey;

        @Scheduled(fixedDelay = 20)
        @DistributedLock(name = "nightly-report", onLocked = OnLocked.SKIP)
        public void report() {
            if (firstRun.getCount() > 0) {
                firstLeaseKey = LockContext.currentLease().map(Lease::key).orElse("no lease");
                firstRun.countDown();
            }
            runs.incrementAndGet();
        }

        // Accessors, not fields: the bean is a CGLIB proxy, whose own fields are never set.
        public int runs() {
            return runs.get();
        }

        public CountDownLatch firstRun() {
            return firstRun;
        }

        public String firstLeaseKey() {
            return firstLeaseKey;
        }
    }

    /** Counts the job's denied attempts. */
    static class SkipCounter implements LockEventListener {
        final AtomicInteger count = new AtomicInteger();

        @Override
        public void notAcquired(String name, String key, Duration waited) {
            if (name.equals("nightly-report")) {
                count.incrementAndGet();
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    static class Scheduling {

        @Bean
        ReportJob reportJob() {
            return new ReportJob();
        }

        @Bean
        SkipCounter skipCounter() {
            return new SkipCounter();
        }
    }
}
