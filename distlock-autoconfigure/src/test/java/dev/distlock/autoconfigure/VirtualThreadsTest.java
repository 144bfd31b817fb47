package dev.distlock.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
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
import dev.distlock.engine.LockEventListener;

/**
 * An application with {@code spring.threads.virtual.enabled=true} on a real store (JDBC on H2):
 * its {@code @Scheduled} jobs run on virtual threads, take and release locks there, and the
 * renewals of locks whose holders are blocked keep them alive.
 *
 * <p>Needs Java 21 or later: the JDK 25 pass of the test command runs it (scripts/jdk25-pass.sh),
 * and distlock-autoconfigure's default test run, on the Java 17 baseline, leaves it out.
 */
class VirtualThreadsTest {

    private static final Duration LEASE = Duration.ofMillis(600);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TaskSchedulingAutoConfiguration.class, DataSourceAutoConfiguration.class,
                    DistributedLockAutoConfiguration.class))
            .withPropertyValues("spring.threads.virtual.enabled=true", "distlock.backend=jdbc",
                    "spring.datasource.url=jdbc:h2:mem:virtual-threads;DB_CLOSE_DELAY=-1")
            .withUserConfiguration(Jobs.class);

    @Test
    void aScheduledJobRunsOnAVirtualThreadAndKeepsItsLockPastItsLeaseWhileBlocked() {
        runner.run(context -> {
            LongJob job = context.getBean(LongJob.class);
            assertThat(job.done().await(30, TimeUnit.SECONDS)).as("the job ran").isTrue();

            assertThat(job.ranOnVirtualThread()).as("@Scheduled ran on a virtual thread").isTrue();
            assertThat(job.validAtTheEnd()).as("the lease outlived three leases of sleep through renewals").isTrue();
            assertThat(context.getBean(LostCounter.class).lost).hasValue(0);
        });
    }

    @Test
    void manyVirtualThreadsTakeAndReleaseLocksWithoutOverlapWhileOtherHoldersSleep() {
        runner.run(context -> {
            DistributedLocks locks = context.getBean(DistributedLocks.class);
            Map<String, AtomicInteger> inside = new ConcurrentHashMap<>();
            AtomicInteger overlaps = new AtomicInteger();
            ExecutorService threads = virtualThreadPerTask();
            try {
                List<Future<Boolean>> sleepers = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    String key = "sleeper-" + i;
                    sleepers.add(threads.submit(() -> {
                        try (Lease lease = locks.acquire(key, LockOptions.of(LEASE, Duration.ofSeconds(10)))) {
                            Thread.sleep(3 * LEASE.toMillis());
                            return lease.isValid();
                        }
                    }));
                }
                List<Future<?>> workers = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    String key = "order-" + (i % 10);
                    workers.add(threads.submit(() -> {
                        try (Lease lease = locks.acquire(key, LockOptions.of(LEASE, Duration.ofSeconds(30)))) {
                            if (inside.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() > 1) {
                                overlaps.incrementAndGet();
                            }
                            Thread.sleep(5);
                            inside.get(key).decrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<?> worker : workers) {
                    worker.get(60, TimeUnit.SECONDS);
                }
                for (Future<Boolean> sleeper : sleepers) {
                    assertThat(sleeper.get(60, TimeUnit.SECONDS)).as("a blocked holder's lease was renewed").isTrue();
                }
            } finally {
                threads.shutdownNow();
            }
            assertThat(overlaps).hasValue(0);
            assertThat(context.getBean(LostCounter.class).lost).hasValue(0);
        });
    }

    /** Through reflection: the build compiles for Java 17, where the method does not exist. */
    private static ExecutorService virtualThreadPerTask() throws Exception {
        return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    }

    private static boolean isVirtual(Thread thread) {
        try {
            return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    public static class LongJob {
        final CountDownLatch done = new CountDownLatch(1);
        volatile boolean ranOnVirtualThread;
        volatile boolean validAtTheEnd;

        @Scheduled(initialDelay = 0, fixedDelay = 3_600_000)
        @DistributedLock(name = "long-job", lease = "600ms")
        public void run() throws InterruptedException {
            ranOnVirtualThread = isVirtual(Thread.currentThread());
            Thread.sleep(3 * LEASE.toMillis());
            validAtTheEnd = LockContext.currentLease().map(Lease::isValid).orElse(false);
            done.countDown();
        }

        // Accessors, not fields: the bean is a CGLIB proxy, whose own fields are never set.
        public CountDownLatch done() {
            return done;
        }

        public boolean ranOnVirtualThread() {
            return ranOnVirtualThread;
        }

        public boolean validAtTheEnd() {
            return validAtTheEnd;
        }
    }

    static class LostCounter implements LockEventListener {
        final AtomicInteger lost = new AtomicInteger();

        @Override
        public void lost(String name, String key, String reason) {
            lost.incrementAndGet();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    static class Jobs {
        @Bean
        LongJob longJob() {
            return new LongJob();
        }

        @Bean
        LostCounter lostCounter() {
            return new LostCounter();
        }
    }
}
