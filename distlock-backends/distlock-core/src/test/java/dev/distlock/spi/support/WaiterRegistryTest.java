package dev.distlock.spi.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.distlock.spi.ReleaseNotifications.Subscription;

import static org.assertj.core.api.Assertions.assertThat;

class WaiterRegistryTest {

    private final WaiterRegistry<String> waiters = new WaiterRegistry<>();

    @Test
    void theSameCallbackSubscribedTwiceIsTwoSubscriptions() {
        AtomicInteger calls = new AtomicInteger();
        Runnable callback = calls::incrementAndGet;
        Subscription first = waiters.add("k", callback);
        waiters.add("k", callback);

        first.close();
        waiters.wake("k");

        assertThat(calls).hasValue(1);
    }

    @Test
    void closingIsIdempotentAndForgetsAnEmptyKey() {
        Subscription subscription = waiters.add("k", () -> { });
        subscription.close();
        subscription.close();

        assertThat(waiters.hasWaiters("k")).isFalse();
        assertThat(waiters.keyCount()).isZero();
    }

    @Test
    void aFailingCallbackDoesNotStopTheOthers() {
        AtomicInteger calls = new AtomicInteger();
        waiters.add("k", () -> {
            throw new IllegalStateException("boom");
        });
        waiters.add("k", calls::incrementAndGet);
        waiters.add("k", calls::incrementAndGet);

        waiters.wake("k");

        assertThat(calls).hasValue(2);
    }

    @Test
    void wakeReachesOnlyItsKey() {
        List<String> woken = new ArrayList<>();
        waiters.add("a", () -> woken.add("a"));
        waiters.add("b", () -> woken.add("b"));

        waiters.wake("a");

        assertThat(woken).containsExactly("a");
    }

    @Test
    void wakeAllReachesEveryKeyAfterAReconnection() {
        List<String> woken = new ArrayList<>();
        waiters.add("a", () -> woken.add("a"));
        waiters.add("b", () -> woken.add("b"));

        waiters.wakeAll();

        assertThat(woken).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void wakeAllWithAFilterReachesTheKeysItAccepts() {
        List<String> woken = new ArrayList<>();
        waiters.add("slot-1:a", () -> woken.add("a"));
        waiters.add("slot-2:b", () -> woken.add("b"));

        waiters.wakeAll(key -> key.startsWith("slot-1"));

        assertThat(woken).containsExactly("a");
    }

    @Test
    void aNamedHeadWakesItselfAndTheUnqueuedButNotThoseBehindIt() {
        List<String> woken = new ArrayList<>();
        waiters.add("k", "first", () -> woken.add("first"));
        waiters.add("k", "second", () -> woken.add("second"));
        waiters.add("k", () -> woken.add("unfair"));

        waiters.wakeHead("k", "first");

        assertThat(woken).containsExactlyInAnyOrder("first", "unfair");
    }

    @Test
    void noHeadWakesTheWholeQueue() {
        List<String> woken = new ArrayList<>();
        waiters.add("k", "first", () -> woken.add("first"));
        waiters.add("k", "second", () -> woken.add("second"));

        waiters.wakeHead("k", null);

        assertThat(woken).containsExactlyInAnyOrder("first", "second");
    }
}
