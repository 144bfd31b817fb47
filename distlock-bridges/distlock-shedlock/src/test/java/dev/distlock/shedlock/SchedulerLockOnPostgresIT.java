package dev.distlock.shedlock;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.distlock.LockContext;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.shedlock.autoconfigure.DistlockShedLockAutoConfiguration;
import dev.distlock.testsupport.PostgresTestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A ShedLock application as it is written today ({@code @EnableSchedulerLock}, {@code @SchedulerLock}),
 * with distlock-shedlock and distlock-jdbc instead of a ShedLock provider: two instances on one
 * PostgreSQL database.
 */
class SchedulerLockOnPostgresIT {

    private static final long BOUND_SECONDS = 10;

    private static PostgresTestDatabase database;

    @BeforeAll
    static void createDatabase() {
        database = PostgresTestDatabase.create("shedlock_spring");
    }

    @AfterAll
    static void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }

    private ApplicationContextRunner instance(Report report) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        DistributedLockAutoConfiguration.class, DistlockShedLockAutoConfiguration.class))
                .withPropertyValues("distlock.backend=jdbc", "distlock.jdbc.initialize-schema=always",
                        "spring.datasource.url=" + database.jdbcUrl(), "spring.datasource.username=" + database.user(),
                        "spring.datasource.password=" + database.password())
                .withUserConfiguration(SchedulerLockConfiguration.class)
                .withBean(Report.class, () -> report);
    }

    @Test
    void schedulerLockRunsTheJobOnOneInstanceAtATimeWithAFencingToken() {
        Report first = new Report();
        Report second = new Report();
        instance(first).run(one -> instance(second).run(two -> {
            assertThat(one).getBean(LockProvider.class).isInstanceOf(DistlockLockProvider.class);
            ReportJob onOne = one.getBean(ReportJob.class);
            ReportJob onTwo = two.getBean(ReportJob.class);
            first.blockNextRun();
            CompletableFuture<Void> running = CompletableFuture.runAsync(onOne::nightlyReport);
            assertThat(first.entered.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();

            onTwo.nightlyReport();
            assertThat(second.tokens).isEmpty();

            first.release.countDown();
            running.get(BOUND_SECONDS, TimeUnit.SECONDS);
            onTwo.nightlyReport();

            assertThat(first.tokens).hasSize(1);
            assertThat(second.tokens).hasSize(1);
            assertThat(second.tokens.get(0)).isGreaterThan(first.tokens.get(0));
        }));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableSchedulerLock(defaultLockAtMostFor = "10s")
    static class SchedulerLockConfiguration {

        @Bean
        ReportJob reportJob(Report report) {
            return new ReportJob(report);
        }
    }

    /** A job as ShedLock users write it: in a real application also {@code @Scheduled}. */
    static class ReportJob {

        private final Report report;

        ReportJob(Report report) {
            this.report = report;
        }

        @SchedulerLock(name = "nightly-report")
        public void nightlyReport() {
            report.ran(LockContext.currentLease().orElseThrow().fencingToken());
        }
    }

    /** What one instance's job did: the fencing token of each run; the next run can be held inside. */
    static final class Report {

        final List<Long> tokens = new CopyOnWriteArrayList<>();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private volatile boolean block;

        void blockNextRun() {
            block = true;
        }

        void ran(long fencingToken) {
            tokens.add(fencingToken);
            if (block) {
                block = false;
                entered.countDown();
                try {
                    release.await(BOUND_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
