package dev.distlock.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

import dev.distlock.DistributedLock;
import dev.distlock.OnLocked;
import dev.distlock.engine.LockEventListener;
import dev.distlock.testsupport.EtcdServerFixture;
import dev.distlock.testsupport.RedisServerFixture;
import dev.distlock.testsupport.TimedCall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A guarded {@code @Scheduled} job of an application whose store dies (issue 12, item 3): each run
 * fails within {@code distlock.operation-timeout} (1 s by default, not set here) instead of hanging
 * the scheduler thread for the client's own timeout, and the application still shuts down within
 * seconds. Against a real redis-server and etcd, with the clients' defaults.
 */
class ScheduledJobWithStoreDownIT {

    private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(1);
    /** Three failed runs, each bounded by the operation timeout, plus the delays and slack for a busy machine. */
    private static final Duration THREE_RUNS_BOUND = OPERATION_TIMEOUT.multipliedBy(3).plusSeconds(4);
    private static final Duration CLOSE_BOUND = OPERATION_TIMEOUT.plusSeconds(4);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class))
            .withUserConfiguration(Scheduling.class);

    @Test
    void redisKilledFailsEachRunWithinTheOperationTimeoutAndShutdownIsBounded() {
        try (RedisServerFixture redis = RedisServerFixture.start()) {
            redis(redis).run(context -> runsFailFastAndCloseIsBounded(context, redis::kill));
        }
    }

    @Test
    void redisPausedFailsEachRunWithinTheOperationTimeoutAndShutdownIsBounded() {
        try (RedisServerFixture redis = RedisServerFixture.start()) {
            try {
                redis(redis).run(context -> runsFailFastAndCloseIsBounded(context, redis.server()::pause));
            } finally {
                redis.server().resume();
            }
        }
    }

    @Test
    void etcdKilledFailsEachRunWithinTheOperationTimeoutAndShutdownIsBounded() {
        try (EtcdServerFixture etcd = EtcdServerFixture.start()) {
            runner.withPropertyValues("distlock.backend=etcd", "distlock.etcd.endpoints=" + etcd.clientUrl())
                    .run(context -> runsFailFastAndCloseIsBounded(context, etcd.process()::kill));
        }
    }

    private ApplicationContextRunner redis(RedisServerFixture redis) {
        return runner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
                .withPropertyValues("distlock.backend=redis", "spring.data.redis.host=" + redis.host(),
                        "spring.data.redis.port=" + redis.port());
    }

    private static void runsFailFastAndCloseIsBounded(AssertableApplicationContext context, Runnable kill) {
        assertThat(context).hasNotFailed();
        Job job = context.getBean(Job.class);
        await("the job runs while the store is up").atMost(Duration.ofSeconds(30)).until(() -> job.runs() >= 2);
        Failures failures = context.getBean(Failures.class);

        kill.run();
        int before = failures.count();
        await("three runs failing with the store down").atMost(THREE_RUNS_BOUND).until(() -> failures.count() >= before + 3);
        assertThat(failures.waited()).as("time each failed run spent on the lock").allSatisfy(waited ->
                assertThat(waited).isLessThan(OPERATION_TIMEOUT.plusMillis(1_500)));

        TimedCall close = TimedCall.ofRunnable("closing the application with the store down", Duration.ofSeconds(150),
                context::close);
        assertThat(close.finishedWithin(CLOSE_BOUND)).as("%s; expected within %s", close, CLOSE_BOUND).isTrue();
    }

    public static class Job {

        private final AtomicInteger runs = new AtomicInteger();

        @Scheduled(fixedDelay = 100)
        @DistributedLock(name = "store-down-job", waitFor = "0s", onLocked = OnLocked.SKIP)
        public void run() {
            runs.incrementAndGet();
        }

        public int runs() {
            return runs.get();
        }
    }

    /** The job's attempts that failed for the store: how long each took. */
    static class Failures implements LockEventListener {

        private final List<Duration> waited = new CopyOnWriteArrayList<>();

        @Override
        public void acquireFailed(String name, String key, Duration took, RuntimeException error) {
            if (name.equals("store-down-job")) {
                waited.add(took);
            }
        }

        int count() {
            return waited.size();
        }

        List<Duration> waited() {
            return List.copyOf(waited);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    static class Scheduling {

        @Bean
        Job job() {
            return new Job();
        }

        @Bean
        Failures failures() {
            return new Failures();
        }
    }
}
