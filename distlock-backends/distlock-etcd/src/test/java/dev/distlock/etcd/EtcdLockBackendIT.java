package dev.distlock.etcd;

import static dev.distlock.testsupport.BackendCalls.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;

/** The etcd-specific promises, against one real etcd member. */
class EtcdLockBackendIT {

    @RegisterExtension
    static final EtcdServer etcd = new EtcdServer();

    private static String key() {
        return "test:" + UUID.randomUUID();
    }

    @Test
    void heldLockIsNotGrantedToAnotherOwnerUntilReleased() {
        EtcdLockBackend a = etcd.backend();
        EtcdLockBackend b = etcd.backend();
        String key = key();
        long first = token(a.tryAcquire(new AcquireRequest(key, "a:1", Duration.ofSeconds(10), false)));
        assertThat(b.tryAcquire(new AcquireRequest(key, "b:1", Duration.ofSeconds(10), false)))
                .isInstanceOf(AcquireResult.Denied.class);
        assertThat(b.release(key, "b:1")).isFalse();
        assertThat(a.release(key, "a:1")).isTrue();
        long second = token(b.tryAcquire(new AcquireRequest(key, "b:1", Duration.ofSeconds(10), false)));
        assertThat(second).isGreaterThan(first);
    }

    @Test
    void retryOfAHolderGetsItsOwnToken() {
        EtcdLockBackend a = etcd.backend();
        String key = key();
        long first = token(a.tryAcquire(new AcquireRequest(key, "a:1", Duration.ofSeconds(10), true)));
        assertThat(token(a.tryAcquire(new AcquireRequest(key, "a:1", Duration.ofSeconds(10), true)))).isEqualTo(first);
        // Another instance with the same owner (the reply was lost to it) gets the same token too.
        assertThat(token(etcd.backend().tryAcquire(new AcquireRequest(key, "a:1", Duration.ofSeconds(10), true)))).isEqualTo(first);
    }

    @Test
    void keysWithSlashesUnicodeAndOneKibibyteAreIndependent() {
        EtcdLockBackend a = etcd.backend();
        String base = key();
        String longKey = base + ":" + "ключ/🔒".repeat(1024 / 7 + 1);
        for (String key : List.of(base + ":a", base + ":a/b", base + ":a%2Fb", longKey, base + ":日本語/キー")) {
            token(a.tryAcquire(new AcquireRequest(key, "a:1", Duration.ofSeconds(10), false)));
        }
        assertThat(etcd.backend().tryAcquire(new AcquireRequest(longKey, "b:1", Duration.ofSeconds(10), false)))
                .isInstanceOf(AcquireResult.Denied.class);
    }

    @Test
    void unrenewedLockExpiresAndIsReportedLost() {
        EtcdLockBackend a = etcd.backend();
        List<String> lost = new CopyOnWriteArrayList<>();
        a.setLeaseLossListener(new LostLeases(lost));
        EtcdLockBackend b = etcd.backend();
        String key = key();
        long first = token(a.tryAcquire(new AcquireRequest(key, "a:1", Duration.ofSeconds(1), false)));
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> b.tryAcquire(new AcquireRequest(key, "b:1", Duration.ofSeconds(10), false))
                        instanceof AcquireResult.Granted granted && granted.fencingToken() > first);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> lost.contains(key + " a:1"));
        assertThat(a.renew(key, "a:1", Duration.ofSeconds(1))).isFalse();
        assertThat(a.release(key, "a:1")).isFalse();
        assertThat(b.renew(key, "b:1", Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void fairWaitersAreGrantedInRequestOrderAndWokenByWatch() throws InterruptedException {
        EtcdLockBackend a = etcd.backend();
        EtcdLockBackend b = etcd.backend();
        EtcdLockBackend c = etcd.backend();
        String key = key();
        token(a.tryAcquire(new AcquireRequest(key, "a:1", Duration.ofSeconds(10), true)));
        CountDownLatch bWoken = new CountDownLatch(1);
        try (var subscription = b.subscribe(key, "b:1", bWoken::countDown)) {
            assertThat(b.tryAcquire(new AcquireRequest(key, "b:1", Duration.ofSeconds(10), true))).isInstanceOf(AcquireResult.Denied.class);
            assertThat(c.tryAcquire(new AcquireRequest(key, "c:1", Duration.ofSeconds(10), true))).isInstanceOf(AcquireResult.Denied.class);
            assertThat(a.release(key, "a:1")).isTrue();
            assertThat(bWoken.await(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(c.tryAcquire(new AcquireRequest(key, "c:1", Duration.ofSeconds(10), true))).isInstanceOf(AcquireResult.Denied.class);
        token(b.tryAcquire(new AcquireRequest(key, "b:1", Duration.ofSeconds(10), true)));
        c.withdraw(key, "c:1");
        assertThat(b.release(key, "b:1")).isTrue();
        token(etcd.backend().tryAcquire(new AcquireRequest(key, "d:1", Duration.ofSeconds(10), false)));
    }

    /** What the README says a release wakes: the one fair waiter just behind, but every unfair waiter. */
    @Test
    void releaseWakesOnlyTheNextFairWaiterButEveryUnfairWaiter() throws InterruptedException {
        EtcdLockBackend holder = etcd.backend();
        EtcdLockBackend first = etcd.backend();
        EtcdLockBackend second = etcd.backend();
        String fairKey = key();
        token(holder.tryAcquire(new AcquireRequest(fairKey, "h:1", Duration.ofSeconds(10), true)));
        CountDownLatch firstWoken = new CountDownLatch(1);
        CountDownLatch secondWoken = new CountDownLatch(1);
        try (var one = first.subscribe(fairKey, "f:1", firstWoken::countDown);
             var two = second.subscribe(fairKey, "s:1", secondWoken::countDown)) {
            assertThat(first.tryAcquire(new AcquireRequest(fairKey, "f:1", Duration.ofSeconds(10), true))).isInstanceOf(AcquireResult.Denied.class);
            assertThat(second.tryAcquire(new AcquireRequest(fairKey, "s:1", Duration.ofSeconds(10), true))).isInstanceOf(AcquireResult.Denied.class);
            assertThat(holder.release(fairKey, "h:1")).isTrue();
            assertThat(firstWoken.await(5, TimeUnit.SECONDS)).isTrue();
            Awaitility.await("the second fair waiter stays asleep").during(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(2)).until(() -> secondWoken.getCount() == 1);
        }
        first.withdraw(fairKey, "f:1");
        second.withdraw(fairKey, "s:1");

        String unfairKey = key();
        token(holder.tryAcquire(new AcquireRequest(unfairKey, "h:2", Duration.ofSeconds(10), false)));
        CountDownLatch unfairWoken = new CountDownLatch(2);
        try (var one = first.subscribe(unfairKey, "f:2", unfairWoken::countDown);
             var two = second.subscribe(unfairKey, "s:2", unfairWoken::countDown)) {
            assertThat(first.tryAcquire(new AcquireRequest(unfairKey, "f:2", Duration.ofSeconds(10), false))).isInstanceOf(AcquireResult.Denied.class);
            assertThat(second.tryAcquire(new AcquireRequest(unfairKey, "s:2", Duration.ofSeconds(10), false))).isInstanceOf(AcquireResult.Denied.class);
            assertThat(holder.release(unfairKey, "h:2")).isTrue();
            assertThat(unfairWoken.await(5, TimeUnit.SECONDS)).as("both unfair waiters woken").isTrue();
        }
    }
}
