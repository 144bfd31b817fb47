package dev.distlock.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.distlock.DistributedLock;
import dev.distlock.Lease;
import dev.distlock.LockNotAcquiredException;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEngine;
import dev.distlock.inmemory.InMemoryLockBackend;
import dev.distlock.spi.LockBackend;

/** Closing the context: locked methods still running keep their locks until they end, nothing new is granted. */
class ContextShutdownTest {

    private static final LockOptions LONG = LockOptions.of(Duration.ofSeconds(60), Duration.ZERO);

    private final InMemoryLockBackend store = new InMemoryLockBackend();
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class))
            .withBean(LockBackend.class, () -> store)
            .withBean(LongJob.class);

    @Test
    void contextCloseWaitsForARunningLockedMethodAndDoesNotFreeItsLockMeanwhile() throws Exception {
        // Threads of their own: both block, and on a 2-core machine JDK 25's common pool has one thread.
        ExecutorService threads = Executors.newCachedThreadPool();
        try (LockEngine otherReplica = LockEngine.builder(store).build()) {
            runner.run(context -> {
                LongJob job = context.getBean(LongJob.class);
                CompletableFuture<Void> running = CompletableFuture.runAsync(job::run, threads);
                assertThat(job.started().await(10, TimeUnit.SECONDS)).isTrue();

                CompletableFuture<Void> closing = CompletableFuture.runAsync(((ConfigurableApplicationContext) context)::close, threads);
                await().atMost(Duration.ofSeconds(10)).until(() -> refusesNewCalls(job));
                assertThat(otherReplica.tryAcquire("LongJob.run", LONG)).as("still held by the running job").isEmpty();
                assertThat(closing).isNotDone();

                job.finish().countDown();
                running.get(10, TimeUnit.SECONDS);
                closing.get(10, TimeUnit.SECONDS);
                assertThat(otherReplica.tryAcquire("LongJob.run", LONG)).isPresent().get().satisfies(Lease::close);
            });
        } finally {
            threads.shutdownNow();
        }
    }

    private static boolean refusesNewCalls(LongJob job) {
        try {
            job.other();
            return false;
        } catch (LockNotAcquiredException e) {
            return e.getMessage().contains("shut down");
        }
    }

    public static class LongJob {

        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch finish = new CountDownLatch(1);

        // Through methods: a class-based proxy has the fields, but not their values.
        public CountDownLatch started() {
            return started;
        }

        public CountDownLatch finish() {
            return finish;
        }

        @DistributedLock
        public void run() {
            started.countDown();
            try {
                finish.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @DistributedLock
        public void other() {
        }
    }
}
