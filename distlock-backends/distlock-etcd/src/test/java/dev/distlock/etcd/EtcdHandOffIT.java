package dev.distlock.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;

/**
 * How long a waiter takes to hold the lock after the holder releases it: the delete, the watch event,
 * the waiter's retry. Measured and printed, never asserted (timing depends on the machine); what is
 * asserted is the number of requests the waiter's retry costs.
 */
class EtcdHandOffIT {

    private static final int ROUNDS = 30;

    @RegisterExtension
    static final EtcdServer etcd = new EtcdServer();

    @ParameterizedTest(name = "fair={0}")
    @ValueSource(booleans = {true, false})
    void waiterHoldsTheLockSoonAfterTheRelease(boolean fair) throws Exception {
        List<Long> handOffMicros = new ArrayList<>();
        List<Long> releaseMicros = new ArrayList<>();
        List<Long> toWakeMicros = new ArrayList<>();
        List<Long> retryMicros = new ArrayList<>();
        try (EtcdLockBackend holder = new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()));
             EtcdLockBackend waiter = new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()))) {
            for (int round = 0; round < ROUNDS; round++) {
                String key = "handoff:" + UUID.randomUUID();
                assertThat(holder.tryAcquire(new AcquireRequest(key, "h:" + round, Duration.ofSeconds(30), fair)))
                        .isInstanceOf(AcquireResult.Granted.class);
                CountDownLatch denied = new CountDownLatch(1);
                AtomicLong wokenAt = new AtomicLong();
                CompletableFuture<Long> grantedAt = CompletableFuture.supplyAsync(() -> waitFor(waiter, key, "w:" + 1, fair, denied, wokenAt));
                assertThat(denied.await(10, TimeUnit.SECONDS)).isTrue();
                long releasedAt = System.nanoTime();
                assertThat(holder.release(key, "h:" + round)).isTrue();
                long releaseReturned = System.nanoTime();
                long granted = grantedAt.get(10, TimeUnit.SECONDS);
                handOffMicros.add(TimeUnit.NANOSECONDS.toMicros(granted - releasedAt));
                releaseMicros.add(TimeUnit.NANOSECONDS.toMicros(releaseReturned - releasedAt));
                toWakeMicros.add(TimeUnit.NANOSECONDS.toMicros(wokenAt.get() - releaseReturned));
                retryMicros.add(TimeUnit.NANOSECONDS.toMicros(granted - wokenAt.get()));
                assertThat(waiter.release(key, "w:1")).isTrue();
            }
        }
        Collections.sort(handOffMicros);
        System.out.printf("etcd hand-off (fair=%s, %d rounds, release call start to waiter granted): "
                        + "median %.1f ms, p90 %.1f ms, max %.1f ms; medians of its parts: release call %.1f ms, "
                        + "its return to the waiter woken %.1f ms, woken to granted %.1f ms%n", fair, ROUNDS,
                handOffMicros.get(ROUNDS / 2) / 1000.0, handOffMicros.get(ROUNDS * 9 / 10) / 1000.0,
                handOffMicros.get(ROUNDS - 1) / 1000.0, median(releaseMicros), median(toWakeMicros), median(retryMicros));
    }

    private static double median(List<Long> micros) {
        List<Long> sorted = new ArrayList<>(micros);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2) / 1000.0;
    }

    @Test
    void unfairWaiterWokenByTheHoldersDeletionTakesTheLockInOneRequest() throws Exception {
        EtcdRequests requests = new EtcdRequests();
        try (EtcdLockBackend holder = new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()));
             EtcdLockBackend waiter = new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()), builder -> builder.interceptor(requests))) {
            String warmUp = "handoff:" + UUID.randomUUID();
            assertThat(waiter.tryAcquire(new AcquireRequest(warmUp, "w", Duration.ofSeconds(30), false))) // grants the shared lease, starts the watch
                    .isInstanceOf(AcquireResult.Granted.class);
            assertThat(waiter.release(warmUp, "w")).isTrue();
            String key = "handoff:" + UUID.randomUUID();
            AcquireRequest request = new AcquireRequest(key, "w", Duration.ofSeconds(30), false);
            assertThat(holder.tryAcquire(new AcquireRequest(key, "h", Duration.ofSeconds(30), false))).isInstanceOf(AcquireResult.Granted.class);
            Semaphore changed = new Semaphore(0);
            try (var subscription = waiter.subscribe(key, "w", changed::release)) {
                assertThat(waiter.tryAcquire(request)).as("while held").isInstanceOf(AcquireResult.Denied.class);
                assertThat(holder.release(key, "h")).isTrue();
                assertThat(changed.tryAcquire(10, TimeUnit.SECONDS)).as("woken by the holder's deletion").isTrue();
                Map<String, Long> before = requests.snapshot();

                assertThat(waiter.tryAcquire(request)).isInstanceOf(AcquireResult.Granted.class);

                Map<String, Long> sent = requests.since(before);
                sent.remove("etcdserverpb.Lease/LeaseKeepAlive"); // the shared lease's own keep-alive, on its timer
                assertThat(sent).as("requests of the retry after the holder's node was deleted: no read of the holder first")
                        .isEqualTo(Map.of("etcdserverpb.KV/Txn", 1L));
            }
            assertThat(waiter.release(key, "w")).isTrue();
        }
    }

    /** No hop through the backend's event threads between the watch event and the waiter: it is on every hand-off's path. */
    @Test
    void theHoldersDeletionWakesTheWaiterOnTheWatchsOwnThread() throws Exception {
        try (EtcdLockBackend holder = new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()));
             EtcdLockBackend waiter = new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()))) {
            String key = "handoff:" + UUID.randomUUID();
            assertThat(holder.tryAcquire(new AcquireRequest(key, "h", Duration.ofSeconds(30), false))).isInstanceOf(AcquireResult.Granted.class);
            CompletableFuture<String> wokenOn = new CompletableFuture<>();
            try (var subscription = waiter.subscribe(key, "w", () -> wokenOn.complete(Thread.currentThread().getName()))) {
                assertThat(waiter.tryAcquire(new AcquireRequest(key, "w", Duration.ofSeconds(30), false))).isInstanceOf(AcquireResult.Denied.class);
                assertThat(holder.release(key, "h")).isTrue();

                assertThat(wokenOn.get(10, TimeUnit.SECONDS)).doesNotStartWith("distlock-etcd-events");
            }
        }
    }

    @Test
    void localHandOverIsOneTransaction() {
        EtcdRequests requests = new EtcdRequests();
        try (EtcdLockBackend backend = new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()), builder -> builder.interceptor(requests))) {
            String warmUp = "handover:" + UUID.randomUUID();
            assertThat(backend.tryAcquire(new AcquireRequest(warmUp, "w", Duration.ofSeconds(30), false))) // grants the shared lease, starts the watch
                    .isInstanceOf(AcquireResult.Granted.class);
            String key = "handover:" + UUID.randomUUID();
            AcquireResult held = backend.tryAcquire(new AcquireRequest(key, "h", Duration.ofSeconds(30), false));
            Map<String, Long> before = requests.snapshot();

            AcquireResult handed = backend.handOver(key, "h", new AcquireRequest(key, "n", Duration.ofSeconds(30), false));

            Map<String, Long> sent = requests.since(before);
            sent.remove("etcdserverpb.Lease/LeaseKeepAlive"); // the shared lease's own keep-alive, on its timer
            assertThat(sent).as("requests of a hand-over from one owner of this backend to the next")
                    .isEqualTo(Map.of("etcdserverpb.KV/Txn", 1L));
            assertThat(((AcquireResult.Granted) handed).fencingToken()).isGreaterThan(((AcquireResult.Granted) held).fencingToken());
            assertThat(backend.release(key, "h")).as("the former holder's node went with the hand-over").isFalse();
            assertThat(backend.release(key, "n")).isTrue();
            assertThat(backend.release(warmUp, "w")).isTrue();
        }
    }

    @Test
    void aHandOverPastAnotherClientsFairWaiterLeavesTheKeyToThatWaiter() {
        try (EtcdLockBackend backend = new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()));
             EtcdLockBackend other = new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()))) {
            String key = "handover:" + UUID.randomUUID();
            AcquireRequest fair = new AcquireRequest(key, "f", Duration.ofSeconds(30), true);
            assertThat(backend.tryAcquire(new AcquireRequest(key, "h", Duration.ofSeconds(30), false))).isInstanceOf(AcquireResult.Granted.class);
            assertThat(other.tryAcquire(fair)).as("queued behind the holder").isInstanceOf(AcquireResult.Denied.class);

            assertThat(backend.handOver(key, "h", new AcquireRequest(key, "n", Duration.ofSeconds(30), false)))
                    .isInstanceOf(AcquireResult.Denied.class);

            assertThat(other.tryAcquire(fair)).as("the fair waiter, first in the queue now").isInstanceOf(AcquireResult.Granted.class);
            assertThat(backend.tryAcquire(new AcquireRequest(key, "n2", Duration.ofSeconds(30), false))).isInstanceOf(AcquireResult.Denied.class);
            assertThat(backend.release(key, "n")).as("the denied next owner left no node").isFalse();
            assertThat(other.release(key, "f")).isTrue();
        }
    }

    /**
     * Subscribes, is denied, waits for the watch only (no polling), retries; the time it was granted,
     * and in {@code wokenAt} when the first change after the denial woke it.
     */
    private static long waitFor(EtcdLockBackend waiter, String key, String owner, boolean fair, CountDownLatch denied,
                                AtomicLong wokenAt) {
        Semaphore changed = new Semaphore(0);
        Runnable onChange = () -> {
            wokenAt.compareAndSet(0, System.nanoTime());
            changed.release();
        };
        try (var subscription = waiter.subscribe(key, owner, onChange)) {
            AcquireRequest request = new AcquireRequest(key, owner, Duration.ofSeconds(30), fair);
            boolean first = true;
            while (true) {
                if (waiter.tryAcquire(request) instanceof AcquireResult.Granted) {
                    return System.nanoTime();
                }
                if (first) {
                    denied.countDown();
                    first = false;
                }
                if (!changed.tryAcquire(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("No watch event for " + key + " within 10 s");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
