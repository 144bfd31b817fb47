package dev.distlock.autoconfigure.actuate;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.distlock.DistributedLock;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.autoconfigure.actuate.DistributedLocksEndpoint.HeldLockDescriptor;
import dev.distlock.autoconfigure.actuate.DistributedLocksEndpoint.LocksDescriptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What {@code distlocks} shows: the locks a running method holds, its waiters, and nothing once they are done. */
class DistributedLocksEndpointTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class,
                    DistributedLocksEndpointAutoConfiguration.class, EndpointAutoConfiguration.class))
            .withPropertyValues("distlock.backend=in-memory", "distlock.namespace=shop",
                    "spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=distlocks")
            .withUserConfiguration(Jobs.class);

    @Test
    void listsTheLockARunningMethodHoldsWithItsWaiterAndForgetsBothAfter() {
        runner.run(context -> {
            DistributedLocksEndpoint endpoint = context.getBean(DistributedLocksEndpoint.class);
            SlowJob job = context.getBean(SlowJob.class);
            CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> job.export("42"), runnable -> new Thread(runnable, "exporter-1").start());
            await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.locks().held().size() == 1);
            CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> job.export("42"), runnable -> new Thread(runnable, "exporter-2").start());
            await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.locks().waiters().size() == 1);

            LocksDescriptor locks = endpoint.locks();
            assertThat(locks.backend()).isEqualTo("in-memory");
            assertThat(locks.namespace()).isEqualTo("shop");
            HeldLockDescriptor held = locks.held().get(0);
            assertThat(held.key()).isEqualTo("shop:export:42");
            assertThat(held.name()).isEqualTo("export");
            assertThat(held.fencingToken()).isPositive();
            assertThat(held.thread()).isEqualTo("exporter-1");
            assertThat(held.expiresAt()).isAfter(held.acquiredAt());
            assertThat(held.renewals()).isNotNegative();
            assertThat(locks.waiters()).singleElement().satisfies(waiting -> {
                assertThat(waiting.key()).isEqualTo("shop:export:42");
                assertThat(waiting.name()).isEqualTo("export");
                assertThat(waiting.thread()).isEqualTo("exporter-2");
            });

            job.finish();
            holder.get(10, TimeUnit.SECONDS);
            waiter.get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.locks().held().isEmpty());
            assertThat(endpoint.locks().waiters()).isEmpty();
        });
    }

    public static class SlowJob {
        final CountDownLatch finish = new CountDownLatch(1);

        // A method, not the field: the bean is a CGLIB proxy, whose own fields are never set.
        public void finish() {
            finish.countDown();
        }

        @DistributedLock(name = "export", key = "#id", waitFor = "20s")
        public void export(String id) {
            try {
                finish.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Jobs {
        @Bean
        SlowJob slowJob() {
            return new SlowJob();
        }
    }
}
