package dev.distlock.autoconfigure.interceptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.distlock.DistributedLock;
import dev.distlock.LockNotAcquiredException;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;

/**
 * A synchronous locked method that starts async work under the same key: once it returns, its
 * thread is no holder, so that calling a method guarded by the key again waits for the async work.
 */
class AsyncHoldThroughProxiesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class))
            .withPropertyValues("distlock.backend=in-memory")
            .withBean(AsyncWork.class)
            .withBean(Starter.class);

    @Test
    void threadThatStartedAsyncWorkUnderItsKeyDoesNotReenterItAfterReturning() {
        runner.run(context -> {
            Starter starter = context.getBean(Starter.class);
            AsyncWork work = context.getBean(AsyncWork.class);

            starter.startWork();

            assertThatThrownBy(work::guarded).as("the async work still holds the key").isInstanceOf(LockNotAcquiredException.class);
            assertThat(work.guardedRuns()).hasValue(0);

            work.pending().complete(null);
            work.guarded();
            assertThat(work.guardedRuns()).hasValue(1);
        });
    }

    public static class AsyncWork {

        final CompletableFuture<Void> pending = new CompletableFuture<>();
        final AtomicInteger guardedRuns = new AtomicInteger();

        // Through methods: a class-based proxy has the fields, but not their values.
        public CompletableFuture<Void> pending() {
            return pending;
        }

        public AtomicInteger guardedRuns() {
            return guardedRuns;
        }

        @DistributedLock(name = "shared", waitFor = "0s")
        public CompletableFuture<Void> start() {
            return pending;
        }

        @DistributedLock(name = "shared", waitFor = "0s")
        public void guarded() {
            guardedRuns.incrementAndGet();
        }
    }

    public static class Starter {

        private final AsyncWork work;

        public Starter(AsyncWork work) {
            this.work = work;
        }

        @DistributedLock(name = "shared", waitFor = "0s")
        public void startWork() {
            work.start();
        }
    }
}
