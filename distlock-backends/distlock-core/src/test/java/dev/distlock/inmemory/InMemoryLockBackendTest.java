package dev.distlock.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.ReleaseNotifications;

class InMemoryLockBackendTest {

    private final InMemoryLockBackend backend = new InMemoryLockBackend();

    /**
     * One waiter keeps subscribing and unsubscribing while another subscribes once: a subscription
     * made while the last one of the key was being removed must still be woken.
     */
    @Test
    void subscriptionRacingWithTheRemovalOfTheLastOneIsStillWoken() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Thread churn = new Thread(() -> {
            while (!stop.get()) {
                backend.subscribe("k", "churn", () -> { }).close();
            }
        });
        churn.start();
        try {
            for (int round = 0; round < 20_000; round++) {
                Semaphore woken = new Semaphore(0);
                ReleaseNotifications.Subscription subscription = backend.subscribe("k", "waiter", woken::release);
                backend.tryAcquire(new AcquireRequest("k", "holder", Duration.ofSeconds(60), false));
                backend.release("k", "holder");
                boolean wasWoken = woken.tryAcquire(5, TimeUnit.SECONDS);
                subscription.close();
                assertThat(wasWoken).as("woken in round %d", round).isTrue();
            }
        } finally {
            stop.set(true);
            churn.join(10_000);
        }
    }
}
