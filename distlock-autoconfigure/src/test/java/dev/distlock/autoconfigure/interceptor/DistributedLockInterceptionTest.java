package dev.distlock.autoconfigure.interceptor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.distlock.Lease;
import dev.distlock.LockContext;
import dev.distlock.LockNotAcquiredException;
import dev.distlock.LockOptions;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.autoconfigure.interceptor.LockedServices.DefaultGreeter;
import dev.distlock.autoconfigure.interceptor.LockedServices.DefaultPayments;
import dev.distlock.autoconfigure.interceptor.LockedServices.Greeter;
import dev.distlock.autoconfigure.interceptor.LockedServices.KeyPrefix;
import dev.distlock.autoconfigure.interceptor.LockedServices.OrderService;
import dev.distlock.autoconfigure.interceptor.LockedServices.Payments;
import dev.distlock.engine.LockEngine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The annotation end to end, in a Spring context on the in-memory backend, without Boot's AOP auto-configuration. */
class DistributedLockInterceptionTest {

    private final ExecutorService threads = Executors.newFixedThreadPool(8);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class))
            .withPropertyValues("distlock.backend=in-memory")
            .withBean(OrderService.class)
            .withBean("keyPrefix", KeyPrefix.class)
            .withBean(Greeter.class, DefaultGreeter::new)
            .withBean(Payments.class, DefaultPayments::new);

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void callsWithTheSameKeyAreSerialized() {
        runner.run(context -> {
            OrderService orders = context.getBean(OrderService.class);
            List<Future<?>> calls = new ArrayList<>();
            for (int thread = 0; thread < 8; thread++) {
                calls.add(threads.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        orders.increment("account-1");
                    }
                }));
            }
            for (Future<?> call : calls) {
                call.get(30, TimeUnit.SECONDS);
            }
            assertThat(orders.counter()).isEqualTo(8 * 200);
        });
    }

    @Test
    void callsWithDifferentKeysRunInParallel() {
        runner.run(context -> {
            OrderService orders = context.getBean(OrderService.class);
            CountDownLatch both = new CountDownLatch(2);
            Future<Boolean> first = threads.submit(() -> orders.meet("a", both));
            Future<Boolean> second = threads.submit(() -> orders.meet("b", both));
            assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(second.get(10, TimeUnit.SECONDS)).isTrue();
        });
    }

    @Test
    void skipReturnsNullOrAnEmptyOptionalWhenHeldElsewhere() {
        runner.run(context -> {
            OrderService orders = context.getBean(OrderService.class);
            LockEngine engine = context.getBean(LockEngine.class);
            try (Lease ignored = holdElsewhere(engine, "OrderService.skipToNull:7");
                 Lease ignored2 = holdElsewhere(engine, "OrderService.skipToEmpty:7")) {
                assertThat(orders.skipToNull("7")).isNull();
                assertThat(orders.skipToEmpty("7")).isEmpty();
            }
            assertThat(orders.skipToNull("7")).isEqualTo("ran");
            assertThat(orders.skipToEmpty("7")).contains("ran");
        });
    }

    @Test
    void failThrowsWithTheFullKey() {
        runner.run(context -> {
            OrderService orders = context.getBean(OrderService.class);
            try (Lease ignored = holdElsewhere(context.getBean(LockEngine.class), "OrderService.failWhenHeld:42")) {
                assertThatThrownBy(() -> orders.failWhenHeld("42"))
                        .isInstanceOfSatisfying(LockNotAcquiredException.class,
                                e -> assertThat(e.key()).isEqualTo("distlock:OrderService.failWhenHeld:42"));
            }
        });
    }

    @Test
    void theLeaseIsBoundToTheCallWithItsFencingToken() {
        runner.run(context -> {
            OrderService orders = context.getBean(OrderService.class);
            Lease first = orders.currentLease("9");
            Lease second = orders.currentLease("9");
            assertThat(first.key()).isEqualTo("distlock:OrderService.currentLease:9");
            assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
            assertThat(first.isValid()).as("released after the call").isFalse();
            assertThat(LockContext.currentLease()).isEmpty();
            assertThat(context.getBean(LockEngine.class).heldLocks()).isEmpty();
        });
    }

    @Test
    void keysMayUseRootTargetPositionsAndBeans() {
        runner.run(context -> assertThat(context.getBean(OrderService.class).rootAndBeanKey("x", 5))
                .isEqualTo("distlock:OrderService.rootAndBeanKey:rootAndBeanKey/orders/eu/x/5"));
    }

    @Test
    void aNullOrBlankKeyFailsThatCallNamingTheExpression() {
        runner.run(context -> {
            OrderService orders = context.getBean(OrderService.class);
            assertThatThrownBy(() -> orders.nullableKey(null)).isInstanceOf(LockKeyException.class)
                    .hasMessageContaining("key '#id' of OrderService.nullableKey(String) evaluated to null");
            assertThatThrownBy(() -> orders.nullableKey("  ")).isInstanceOf(LockKeyException.class)
                    .hasMessageContaining("key '#id' of OrderService.nullableKey(String) evaluated to a blank string");
            assertThatThrownBy(() -> orders.nestedKey(null)).isInstanceOf(LockKeyException.class)
                    .hasMessageContaining("key '#order.id' of OrderService.nestedKey(Order) could not be evaluated");
        });
    }

    @Test
    void classesWithoutInterfacesGetCglibProxies() {
        runner.run(context -> assertThat(AopUtils.isCglibProxy(context.getBean(OrderService.class))).isTrue());
    }

    @Test
    void interfacesGetJdkProxiesWithTheAnnotationOnTheInterfaceOrTheImplementation() {
        runner.run(context -> {
            Greeter greeter = context.getBean(Greeter.class);
            Payments payments = context.getBean(Payments.class);
            assertThat(AopUtils.isJdkDynamicProxy(greeter)).isTrue();
            assertThat(AopUtils.isJdkDynamicProxy(payments)).isTrue();
            assertThat(greeter.greet("ada")).isEqualTo("distlock:DefaultGreeter.greet:ada");
            assertThat(payments.pay("o-1")).isEqualTo("distlock:DefaultPayments.pay:o-1");
            try (Lease ignored = holdElsewhere(context.getBean(LockEngine.class), "DefaultGreeter.greet:bob")) {
                assertThatThrownBy(() -> greeter.greet("bob")).isInstanceOf(LockNotAcquiredException.class);
            }
        });
    }

    @Test
    void classProxyingOfInterfaceBeansFindsTheInterfaceAnnotation() {
        runner.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class)).run(context -> {
            Greeter greeter = context.getBean(Greeter.class);
            assertThat(AopUtils.isCglibProxy(greeter)).isTrue();
            assertThat(greeter.greet("ada")).isEqualTo("distlock:DefaultGreeter.greet:ada");
        });
    }

    @Test
    void aCompletableFutureKeepsTheLockUntilItCompletes() {
        runner.run(context -> {
            OrderService orders = context.getBean(OrderService.class);
            LockEngine engine = context.getBean(LockEngine.class);
            CompletableFuture<String> work = new CompletableFuture<>();
            CompletableFuture<String> result = orders.later("f", work);
            assertThat(result).isNotDone();
            assertThat(engine.heldLocks()).extracting(lock -> lock.key()).containsExactly("distlock:OrderService.later:f");
            assertThatThrownBy(() -> threads.submit(() -> orders.later("f", new CompletableFuture<>())).get(10, TimeUnit.SECONDS))
                    .as("another thread").hasCauseInstanceOf(LockNotAcquiredException.class);
            assertThatThrownBy(() -> orders.later("f", new CompletableFuture<>()))
                    .as("the same thread does not re-enter a lock handed to a future").isInstanceOf(LockNotAcquiredException.class);

            work.complete("done");
            assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("done");
            assertThat(engine.heldLocks()).as("released before the caller's future completes").isEmpty();
            assertThat(orders.later("f", CompletableFuture.completedFuture("again")).get(10, TimeUnit.SECONDS)).isEqualTo("again");
        });
    }

    @Test
    void aFailedFutureReleasesTheLockAndPassesTheFailureOn() {
        runner.run(context -> {
            OrderService orders = context.getBean(OrderService.class);
            CompletableFuture<String> work = new CompletableFuture<>();
            CompletableFuture<String> result = orders.later("g", work);
            work.completeExceptionally(new IllegalStateException("boom"));
            assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("boom");
            assertThat(context.getBean(LockEngine.class).heldLocks()).isEmpty();
        });
    }

    @Test
    void skipOnAFutureReturnsACompletedFutureOfNull() {
        runner.run(context -> {
            OrderService orders = context.getBean(OrderService.class);
            try (Lease ignored = holdElsewhere(context.getBean(LockEngine.class), "OrderService.laterOrSkip:s")) {
                CompletableFuture<String> skipped = orders.laterOrSkip("s");
                assertThat(skipped).isCompletedWithValue(null);
            }
        });
    }

    /** Takes {@code key} on another thread, as another instance would; closing the lease releases it. */
    private Lease holdElsewhere(LockEngine engine, String key) throws Exception {
        return threads.submit(() -> engine.tryAcquire(key, LockOptions.of(Duration.ofSeconds(30), Duration.ZERO)).orElseThrow())
                .get(10, TimeUnit.SECONDS);
    }

}
