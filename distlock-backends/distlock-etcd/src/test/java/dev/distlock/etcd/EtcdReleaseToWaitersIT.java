package dev.distlock.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.LeaseLossSignals.LeaseLossListener;
import dev.distlock.spi.ReleaseOutcome;

/**
 * Between JVMs, an unfair etcd lock is a race that the releaser starts one round trip ahead: it can
 * ask again the moment its delete is answered, while the others still wait for their watch event. The
 * holder's watch over the backend's prefix sees another client's denied attempt (its node put and
 * deleted again in the held queue), so the release reports {@link ReleaseOutcome#RELEASED_TO_WAITERS}
 * and the engine lets them ask first. The engine's wait for them must end when the key changes hands:
 * a subscription that follows no node yet watches the key's whole queue.
 */
class EtcdReleaseToWaitersIT {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final EtcdKeyLayout KEYS = new EtcdKeyLayout(EtcdSettings.DEFAULT_KEY_PREFIX);

    @RegisterExtension
    static final EtcdServer etcd = new EtcdServer();

    @Test
    void aReleaseAfterAnotherClientWasDeniedTellsThatWaitersAsked() throws Exception {
        try (EtcdLockBackend holder = new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()));
             EtcdLockBackend other = new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()))) {
            String key = heldWhileAnotherClientWasDenied(holder, "h", other);

            assertThat(holder.releaseTellingWaiters(key, "h")).isEqualTo(ReleaseOutcome.RELEASED_TO_WAITERS);
        }
    }

    @Test
    void aDispatchedReleaseTellsThatWaitersAskedToo() throws Exception {
        try (EtcdLockBackend holder = new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()));
             EtcdLockBackend other = new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()))) {
            String key = heldWhileAnotherClientWasDenied(holder, "h", other);

            CompletableFuture<ReleaseOutcome> released = holder.dispatchRelease(key, "h");

            assertThat(released).isNotNull();
            assertThat(released.get(10, TimeUnit.SECONDS)).isEqualTo(ReleaseOutcome.RELEASED_TO_WAITERS);
        }
    }

    @Test
    void aReleaseThatNobodyElseAskedForIsAPlainRelease() throws Exception {
        try (EtcdLockBackend holder = new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()));
             EtcdLockBackend other = new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()))) {
            String key = "waiters:" + UUID.randomUUID();
            // A denial on another key, and one on this key before our grant, are no waiters of our grant.
            assertThat(other.tryAcquire(new AcquireRequest(key, "o", LEASE, false))).isInstanceOf(AcquireResult.Granted.class);
            assertThat(holder.tryAcquire(new AcquireRequest(key, "early", LEASE, false))).isInstanceOf(AcquireResult.Denied.class);
            assertThat(other.release(key, "o")).isTrue();
            assertThat(holder.tryAcquire(new AcquireRequest(key, "h", LEASE, false))).isInstanceOf(AcquireResult.Granted.class);
            String elsewhere = "waiters:" + UUID.randomUUID();
            assertThat(holder.tryAcquire(new AcquireRequest(elsewhere, "h", LEASE, false))).isInstanceOf(AcquireResult.Granted.class);
            assertThat(other.tryAcquire(new AcquireRequest(elsewhere, "o", LEASE, false))).isInstanceOf(AcquireResult.Denied.class);
            holderHasSeenEverythingUpToNow(holder);

            assertThat(holder.releaseTellingWaiters(key, "h")).isEqualTo(ReleaseOutcome.RELEASED);
            assertThat(holder.releaseTellingWaiters(key, "h")).isEqualTo(ReleaseOutcome.NOT_HELD);
            assertThat(holder.releaseTellingWaiters(elsewhere, "h")).isEqualTo(ReleaseOutcome.RELEASED_TO_WAITERS);
        }
    }

    /**
     * What the engine's releaser does while the others ask first: it released the key to waiters, and
     * subscribed before any attempt of its own, so it follows no node. When one of them takes the key
     * and gives it back, the releaser must hear it, or the key idles until the wait runs out; the
     * report of its own release, however late the watch brings it, is no news and must not cut the
     * others' turn short.
     */
    @Test
    void aSubscriptionThatFollowsNoNodeIsWokenByAChangeInTheKeysQueue() throws Exception {
        try (EtcdLockBackend releaser = new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()));
             EtcdLockBackend other = new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()))) {
            String key = heldWhileAnotherClientWasDenied(releaser, "r", other);
            assertThat(releaser.releaseTellingWaiters(key, "r")).isEqualTo(ReleaseOutcome.RELEASED_TO_WAITERS);
            long releasedAt = etcd.inspector().getKVClient().get(KEYS.root()).get(5, TimeUnit.SECONDS).getHeader().getRevision();
            Semaphore changed = new Semaphore(0);
            try (var subscription = releaser.subscribe(key, "next", changed::release)) {
                // The watch may report the release before or after this subscription: here, after.
                releaser.queueDeletions().deleted(KEYS.node(key, "r"), KEYS.queue(key), releasedAt);
                assertThat(changed.availablePermits()).as("woken by the report of its own release").isZero();
                assertThat(other.tryAcquire(new AcquireRequest(key, "o", LEASE, false))).isInstanceOf(AcquireResult.Granted.class);
                assertThat(changed.tryAcquire(200, TimeUnit.MILLISECONDS)).as("woken by a put").isFalse();
                assertThat(other.release(key, "o")).isTrue();

                assertThat(changed.tryAcquire(10, TimeUnit.SECONDS)).as("woken by the other client's release").isTrue();
            }
        }
    }

    /**
     * The waiters the releaser let ask first may take the key and give it back before the releaser's
     * next acquisition subscribes: no deletion is to come, so the subscription must say at once that
     * they had their turn, or the key idles for the engine's whole wait (100 ms).
     */
    @Test
    void aReleaserThatSubscribesAfterTheWaitersHadTheirTurnIsWokenAtOnce() throws Exception {
        try (EtcdLockBackend releaser = new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()));
             EtcdLockBackend other = new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()))) {
            String key = heldWhileAnotherClientWasDenied(releaser, "r", other);
            assertThat(releaser.releaseTellingWaiters(key, "r")).isEqualTo(ReleaseOutcome.RELEASED_TO_WAITERS);
            assertThat(other.tryAcquire(new AcquireRequest(key, "o", LEASE, false))).isInstanceOf(AcquireResult.Granted.class);
            assertThat(other.release(key, "o")).isTrue();
            holderHasSeenEverythingUpToNow(releaser);

            Semaphore changed = new Semaphore(0);
            try (var subscription = releaser.subscribe(key, "next", changed::release)) {
                assertThat(changed.availablePermits()).as("woken as it subscribed").isEqualTo(1);
            }
            try (var again = releaser.subscribe(key, "later", changed::release)) {
                assertThat(changed.availablePermits()).as("asked once per release").isEqualTo(1);
            }
        }
    }

    /** A new key that {@code holder} holds as {@code owner}, which {@code other} asked for and was denied, as the holder's watch has seen. */
    private static String heldWhileAnotherClientWasDenied(EtcdLockBackend holder, String owner, EtcdLockBackend other) throws Exception {
        String key = "waiters:" + UUID.randomUUID();
        assertThat(holder.tryAcquire(new AcquireRequest(key, owner, LEASE, false))).isInstanceOf(AcquireResult.Granted.class);
        assertThat(other.tryAcquire(new AcquireRequest(key, "o", LEASE, false))).isInstanceOf(AcquireResult.Denied.class);
        holderHasSeenEverythingUpToNow(holder);
        return key;
    }

    /**
     * Deletions reach the holder's watch in revision order on one stream: once the loss of a held
     * sentinel node, deleted now, is reported, every deletion before it has been seen.
     */
    private static void holderHasSeenEverythingUpToNow(EtcdLockBackend holder) throws Exception {
        List<String> lost = new CopyOnWriteArrayList<>();
        holder.setLeaseLossListener(new LeaseLossListener() {
            @Override
            public void leaseLost(String key, String owner, String reason) {
                lost.add(key);
            }

            @Override
            public void allLeasesLost(String reason) {
            }

            @Override
            public void leasesAtRisk(String reason) {
            }
        });
        String sentinel = "sentinel:" + UUID.randomUUID();
        assertThat(holder.tryAcquire(new AcquireRequest(sentinel, "s", LEASE, false))).isInstanceOf(AcquireResult.Granted.class);
        ByteSequence node = KEYS.node(sentinel, "s");
        assertThat(etcd.inspector().getKVClient().delete(node).get(5, TimeUnit.SECONDS).getDeleted()).isEqualTo(1);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> lost.contains(sentinel));
    }
}
