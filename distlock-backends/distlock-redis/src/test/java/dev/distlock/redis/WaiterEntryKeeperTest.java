package dev.distlock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class WaiterEntryKeeperTest {

    @Test
    void entryRegisteredAgainDuringARefreshThatFoundItGoneIsKept() throws InterruptedException {
        CountDownLatch refreshing = new CountDownLatch(1);
        CountDownLatch registeredAgain = new CountDownLatch(1);
        try (WaiterEntryKeeper keeper = new WaiterEntryKeeper("test-keeper", Duration.ofHours(1), (key, owner) -> {
            refreshing.countDown();
            try {
                return !registeredAgain.await(10, TimeUnit.SECONDS); // gone, as far as this refresh saw
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        })) {
            keeper.waiting("orders:pay:42", "waiter");
            keeper.refreshSoon();
            assertThat(refreshing.await(10, TimeUnit.SECONDS)).isTrue();

            keeper.waiting("orders:pay:42", "waiter"); // a new waiter queued while the refresh ran
            registeredAgain.countDown();
            keeper.awaitRefreshes();

            assertThat(keeper.isWaiting("orders:pay:42", "waiter")).isTrue();
        }
    }
}
