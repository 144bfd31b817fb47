package dev.distlock.autoconfigure.interceptor;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.distlock.DistributedLock;
import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.engine.LockEngine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** A future-returning method's lock when the future cannot be observed, and when the caller cancels it. */
class CompletionStageLockTest {

    private final ExecutorService threads = Executors.newFixedThreadPool(4);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class))
            .withPropertyValues("distlock.backend=in-memory")
            .withBean(AsyncService.class, () -> new AsyncService(threads));

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aStageThatCannotBecomeACompletableFutureReleasesTheLockAndTheCallFails() {
        runner.run(context -> {
            AsyncService service = context.getBean(AsyncService.class);
            LockEngine engine = context.getBean(LockEngine.class);
            Throwable failure = catchThrowable(() -> service.opaque("o"));
            assertThat(engine.heldLocks()).as("nothing held after the failed call").isEmpty();
            assertThat(freeElsewhere(engine, "AsyncService.opaque:o")).as("another owner gets the key").isTrue();
            assertThat(failure).as("the call fails, naming the method and keeping the stage's error")
                    .hasMessageContaining("AsyncService.opaque(String)")
                    .hasRootCauseInstanceOf(UnsupportedOperationException.class);
        });
    }

    @Test
    void cancellingTheCallersFutureCancelsTheWorkAndFreesTheKey() {
        runner.run(context -> {
            AsyncService service = context.getBean(AsyncService.class);
            LockEngine engine = context.getBean(LockEngine.class);
            CompletableFuture<String> work = new CompletableFuture<>();
            CompletableFuture<String> result = service.later("c", work);
            assertThat(engine.heldLocks()).hasSize(1);

            assertThat(result.cancel(true)).isTrue();
            assertThat(work).as("the method's own future").isCancelled();
            assertThat(result).isCancelled();
            assertThat(engine.heldLocks()).as("released by the time cancel returns").isEmpty();
            assertThat(freeElsewhere(engine, "AsyncService.later:c")).as("another owner gets the key").isTrue();
        });
    }

    @Test
    void workThatIgnoresCancellationRunsOnAfterTheLockIsGivenBack() {
        runner.run(context -> {
            AsyncService service = context.getBean(AsyncService.class);
            LockEngine engine = context.getBean(LockEngine.class);
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch finish = new CountDownLatch(1);
            CompletableFuture<String> result = service.blocking("w", started, finish);
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

            result.cancel(true);
            assertThatThrownBy(result::join).isInstanceOf(CancellationException.class);
            // CompletableFuture.cancel never interrupts the task behind it: the work is still running...
            assertThat(service.finished()).isZero();
            // ...but the key is free, as the caller cancelled.
            Optional<Lease> next = tryElsewhere(engine, "AsyncService.blocking:w");
            assertThat(next).isPresent();
            finish.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> service.finished() == 1);
            assertThat(next.get().isValid()).as("the late end of the work does not touch the next holder").isTrue();
            next.get().close();
        });
    }

    /** Takes {@code key} on another thread, as another instance would; close it, or the context's shutdown waits for it. */
    private Optional<Lease> tryElsewhere(LockEngine engine, String key) throws Exception {
        return threads.submit(() -> engine.tryAcquire(key, LockOptions.of(Duration.ofSeconds(30), Duration.ZERO)))
                .get(10, TimeUnit.SECONDS);
    }

    /** Whether another instance could take {@code key} now; it gives it back at once. */
    private boolean freeElsewhere(LockEngine engine, String key) throws Exception {
        Optional<Lease> lease = tryElsewhere(engine, key);
        lease.ifPresent(Lease::close);
        return lease.isPresent();
    }

    public static class AsyncService {
        private final ExecutorService executor;
        private final AtomicInteger finished = new AtomicInteger();

        public AsyncService(ExecutorService executor) {
            this.executor = executor;
        }

        @DistributedLock(key = "#id")
        public CompletableFuture<String> later(String id, CompletableFuture<String> work) {
            return work;
        }

        @DistributedLock(key = "#id")
        public CompletableFuture<String> blocking(String id, CountDownLatch started, CountDownLatch finish) {
            return CompletableFuture.supplyAsync(() -> {
                started.countDown();
                try {
                    finish.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                finished.incrementAndGet();
                return "done";
            }, executor);
        }

        /** A stage that does not interoperate: its toCompletableFuture() throws, as CompletionStage allows. */
        @DistributedLock(key = "#id")
        @SuppressWarnings("unchecked")
        public CompletionStage<String> opaque(String id) {
            return (CompletionStage<String>) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {CompletionStage.class},
                    (proxy, method, args) -> {
                        throw new UnsupportedOperationException(method.getName() + " is not supported by this stage");
                    });
        }

        // An accessor, not the field: the bean is a CGLIB proxy, whose own fields are never set.
        public int finished() {
            return finished.get();
        }
    }
}
