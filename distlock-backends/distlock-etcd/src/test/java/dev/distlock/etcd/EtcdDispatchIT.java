package dev.distlock.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.DispatchingBackend;
import dev.distlock.spi.ReleaseOutcome;

/**
 * A held lock's release is sent from the caller's thread ({@link DispatchingBackend}), so that the
 * engine needs no store-call thread for it and the delete that wakes the next waiter goes out at once:
 * the same one guarded delete as the blocking release. A release that must read first (a waiting
 * node, a lock another instance acquired) is left to the blocking call, as is every acquire attempt.
 */
class EtcdDispatchIT {

    private static final Duration LEASE = Duration.ofSeconds(30);

    @RegisterExtension
    static final EtcdServer etcd = new EtcdServer();

    @Test
    void aHeldLocksReleaseIsSentWithoutBlockingAsOneTransaction() throws Exception {
        EtcdRequests requests = new EtcdRequests();
        try (EtcdLockBackend backend = new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()), builder -> builder.interceptor(requests));
             EtcdLockBackend other = new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()))) {
            String key = "dispatch:" + UUID.randomUUID();
            assertThat(backend.tryAcquire(new AcquireRequest(key, "h", LEASE, false))).isInstanceOf(AcquireResult.Granted.class);
            assertThat(backend).isInstanceOf(DispatchingBackend.class);
            Map<String, Long> before = requests.snapshot();

            CompletableFuture<ReleaseOutcome> released = ((DispatchingBackend) (Object) backend).dispatchRelease(key, "h");

            assertThat(released).isNotNull();
            assertThat(released.get(10, TimeUnit.SECONDS)).isEqualTo(ReleaseOutcome.RELEASED);
            Map<String, Long> sent = requests.since(before);
            sent.remove("etcdserverpb.Lease/LeaseKeepAlive"); // the shared lease's own keep-alive, on its timer
            assertThat(sent).isEqualTo(Map.of("etcdserverpb.KV/Txn", 1L));
            assertThat(other.tryAcquire(new AcquireRequest(key, "n", LEASE, false))).as("the key is free")
                    .isInstanceOf(AcquireResult.Granted.class);
            assertThat(backend.release(key, "h")).as("released once only").isFalse();
            assertThat(other.release(key, "n")).isTrue();
        }
    }

    @Test
    void attemptsAndTheReleaseOfALockThisInstanceDoesNotHoldAreLeftToTheBlockingCalls() {
        try (EtcdLockBackend backend = new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()));
             EtcdLockBackend other = new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()))) {
            String key = "dispatch:" + UUID.randomUUID();
            AcquireRequest request = new AcquireRequest(key, "h", LEASE, false);
            assertThat(((DispatchingBackend) (Object) backend).dispatchAcquire(request)).isNull();
            assertThat(other.tryAcquire(request)).isInstanceOf(AcquireResult.Granted.class);

            assertThat(((DispatchingBackend) (Object) backend).dispatchRelease(key, "h")).as("acquired by another instance").isNull();
            assertThat(backend.release(key, "h")).as("the blocking release reads the node first").isTrue();
        }
    }
}
