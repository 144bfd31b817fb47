package dev.distlock.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.distlock.DistributedLock;
import dev.distlock.LockNotAcquiredException;
import dev.distlock.OnLocked;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;

/** What a user's test does with {@link LockTester}: on the in-memory backend, as the README advises. */
class LockTesterTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class, LockTesterAutoConfiguration.class))
            .withPropertyValues("distlock.backend=in-memory", "distlock.namespace=shop")
            .withUserConfiguration(Services.class);

    @Test
    void tellsWhichLockACallTook() {
        runner.run(context -> {
            LockTester locks = context.getBean(LockTester.class);
            OrderService orders = context.getBean(OrderService.class);

            TakenLocks taken = locks.locksDuring(() -> orders.pay(42));

            taken.assertLocked("shop:OrderService.pay:42").assertLockedByName("OrderService.pay");
            assertThat(taken.grants()).singleElement().satisfies(grant -> assertThat(grant.fencingToken()).isPositive());
        });
    }

    @Test
    void failsNamingTheExpectedLockWhenTheCallTookNone() {
        runner.run(context -> {
            LockTester locks = context.getBean(LockTester.class);
            OrderService orders = context.getBean(OrderService.class);

            TakenLocks taken = locks.locksDuring(() -> orders.refund(42));

            taken.assertNoLock();
            assertThatThrownBy(() -> taken.assertLocked("shop:OrderService.pay:42"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessage("Expected lock 'shop:OrderService.pay:42' to be taken during the call, but none was");
        });
    }

    @Test
    void aLockHeldElsewhereMeetsTheCallsOnLocked() {
        runner.run(context -> {
            LockTester locks = context.getBean(LockTester.class);
            OrderService orders = context.getBean(OrderService.class);

            try (LockTester.HeldElsewhere held = locks.holdElsewhere("OrderService.pay:42")) {
                assertThat(held.key()).isEqualTo("shop:OrderService.pay:42");
                assertThatThrownBy(() -> orders.pay(42)).isInstanceOf(LockNotAcquiredException.class)
                        .hasMessageContaining("shop:OrderService.pay:42");
                assertThat(orders.report()).as("SKIP returns null without running").isNull();
            }
            assertThat(orders.payments()).isZero();
            orders.pay(42);
            assertThat(orders.payments()).as("runs once the hold is closed").isEqualTo(1);
        });
    }

    public static class OrderService {
        final AtomicInteger payments = new AtomicInteger();

        @DistributedLock(key = "#orderId")
        public void pay(long orderId) {
            payments.incrementAndGet();
        }

        // An accessor, not the field: the bean is a CGLIB proxy, whose own fields are never set.
        public int payments() {
            return payments.get();
        }

        public void refund(long orderId) {
        }

        @DistributedLock(key = "42", name = "OrderService.pay", onLocked = OnLocked.SKIP)
        public String report() {
            return "ran";
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Services {
        @Bean
        OrderService orderService() {
            return new OrderService();
        }
    }
}
