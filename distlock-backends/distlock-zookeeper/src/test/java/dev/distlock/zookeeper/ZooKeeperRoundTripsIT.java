package dev.distlock.zookeeper;

import static dev.distlock.testsupport.BackendCalls.owner;
import static dev.distlock.testsupport.BackendCalls.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.ReleaseNotifications;
import dev.distlock.spi.RenewRequest;
import dev.distlock.spi.RenewResult;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How many round trips each operation costs, counted by the server: the requests it received from
 * the backend's session during the call. Counts, not times: a protocol that needs one more request
 * fails here whatever the machine's speed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ZooKeeperRoundTripsIT {

    private static final Duration LEASE = Duration.ofSeconds(30);

    /** Its first client is the counted one: the counted backend's. */
    @RegisterExtension
    static final ZooKeeperTwoClients zookeeper = new ZooKeeperTwoClients(LEASE);

    private final String basePath = "/round-trips-" + UUID.randomUUID();
    private final String key = "app:job:" + UUID.randomUUID();
    private ZooKeeperLockBackend counted;
    private ZooKeeperLockBackend other;
    private String keepsBasePath;

    @BeforeEach
    void backends() {
        counted = new ZooKeeperLockBackend(zookeeper.client(), basePath);
        other = new ZooKeeperLockBackend(zookeeper.otherClient(), basePath);
        // The base path is a container node: a lock held all along keeps the server from reaping it,
        // which would add the base path's creation to the first acquisition measured.
        keepsBasePath = owner();
        token(other.tryAcquire(new AcquireRequest("keeps-the-base-path", keepsBasePath, LEASE, false)));
    }

    @AfterEach
    void closeBackends() {
        other.release("keeps-the-base-path", keepsBasePath);
        counted.close();
        other.close();
    }

    @Test
    void anUncontendedUnfairAcquireIsOneCreateAndItsReleaseOneDelete() {
        String owner = owner();

        assertThat(roundTrips(() -> counted.tryAcquire(unfair(owner)))).as("acquire").isEqualTo(1);
        assertThat(roundTrips(() -> counted.release(key, owner))).as("release").isEqualTo(1);
    }

    @Test
    void aHandOverToTheNextOwnerIsOneTransaction() throws Exception {
        try (ZooKeeperLockBackend own = ZooKeeperLockBackend.create(ZooKeeperSettings.builder(zookeeper.server().connectString())
                .basePath(basePath).build())) {
            String holder = owner();
            long holderToken = token(own.tryAcquire(unfair(holder)));
            long session = zookeeper.otherClient().checkExists().forPath(new ZooKeeperKeyLayout(basePath).keyPath(key)).getEphemeralOwner();
            AcquireRequest next = unfair(owner());

            long before = zookeeper.server().requestsReceivedFrom(session);
            long nextToken = token(own.handOver(key, holder, next));

            assertThat(zookeeper.server().requestsReceivedFrom(session) - before).as("hand-over").isEqualTo(1);
            assertThat(nextToken).isGreaterThan(holderToken);
            assertThat(own.release(key, next.owner())).isTrue();
        }
    }

    @Test
    void aDeniedUnfairAttemptIsOneCreateAndOneWatch() {
        token(other.tryAcquire(unfair(owner())));
        String waiter = owner();

        assertThat(roundTrips(() -> {
            assertThat(counted.tryAcquire(unfair(waiter))).isInstanceOf(AcquireResult.Denied.class);
            return null;
        })).as("denied attempt").isEqualTo(2);
    }

    @Test
    void aWaiterWokenByTheReleaseTakesTheKeyWithOneCreate() throws InterruptedException {
        String holder = owner();
        token(other.tryAcquire(unfair(holder)));
        String waiter = owner();
        CountDownLatch woken = new CountDownLatch(1);
        try (ReleaseNotifications.Subscription subscription = counted.subscribe(key, waiter, woken::countDown)) {
            assertThat(counted.tryAcquire(unfair(waiter))).isInstanceOf(AcquireResult.Denied.class);

            assertThat(other.release(key, holder)).isTrue();
            assertThat(woken.await(10, TimeUnit.SECONDS)).as("woken by the holder's delete").isTrue();

            assertThat(roundTrips(() -> token(counted.tryAcquire(unfair(waiter))))).as("woken attempt").isEqualTo(1);
        }
    }

    @Test
    void aFairAcquireOfAFreeKeyListsTheQueueFirstAndCreatesOnlyTheHoldersNode() {
        String owner = owner();

        // sync with the leader, list the (empty) queue, create the holder's node; then one delete
        assertThat(roundTrips(() -> counted.tryAcquire(new AcquireRequest(key, owner, LEASE, true)))).as("acquire")
                .isEqualTo(3);
        assertThat(roundTrips(() -> counted.release(key, owner))).as("release").isEqualTo(1);
    }

    @Test
    void aFairWaiterFirstInLineTakesTheKeyWithOneCreateWhenTheHolderLeaves() throws InterruptedException {
        String holder = owner();
        token(other.tryAcquire(new AcquireRequest(key, holder, LEASE, true)));
        String waiter = owner();
        CountDownLatch woken = new CountDownLatch(1);
        try (ReleaseNotifications.Subscription subscription = counted.subscribe(key, waiter, woken::countDown)) {
            assertThat(counted.tryAcquire(new AcquireRequest(key, waiter, LEASE, true))).isInstanceOf(AcquireResult.Denied.class);

            assertThat(other.release(key, holder)).isTrue();
            assertThat(woken.await(10, TimeUnit.SECONDS)).as("woken by the holder's delete").isTrue();

            assertThat(roundTrips(() -> token(counted.tryAcquire(new AcquireRequest(key, waiter, LEASE, true)))))
                    .as("woken attempt of the first in line").isEqualTo(1);
            assertThat(roundTrips(() -> counted.release(key, waiter))).as("release of the holder and queue nodes")
                    .isEqualTo(1);
        }
    }

    @Test
    void aRenewalIsOneSyncAndOneRead() {
        String owner = owner();
        token(counted.tryAcquire(unfair(owner)));

        assertThat(roundTrips(() -> assertThat(counted.renew(key, owner, LEASE)).isTrue())).as("renew").isEqualTo(2);
        assertThat(counted.release(key, owner)).isTrue();
    }

    @Test
    void renewingTwoHundredLeasesOfOneSessionIsOneSyncAndOneReadPerLease() {
        String owner = owner();
        List<RenewRequest> renewals = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String held = key + ":" + i;
            token(counted.tryAcquire(new AcquireRequest(held, owner, LEASE, false)));
            renewals.add(new RenewRequest(held, owner, LEASE));
        }

        // One renew after the other would be a sync and a read each: 400.
        assertThat(roundTrips(() -> assertThat(counted.renewAll(renewals)).hasSize(200)
                .extracting(RenewResult::extended).containsOnly(true))).as("renewAll of 200 leases").isEqualTo(201);
        renewals.forEach(renewal -> assertThat(counted.release(renewal.key(), owner)).isTrue());
    }

    /**
     * The reads of a batch are pipelined: all of them reach the server while the client's event
     * thread, which hands every answer to its caller, is held. Reads sent one after the other would
     * stop at the first, waiting for an answer nobody delivers.
     */
    @Test
    void theReadsOfABatchAreAllSentBeforeTheFirstAnswerIsHandled() throws Exception {
        LockNodeReads nodeReads = new LockNodeReads(zookeeper.client());
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            paths.add(basePath + "/absent-" + i);
        }
        CountDownLatch eventThreadHeld = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        String trigger = basePath + "/hold-the-event-thread";
        zookeeper.client().checkExists().usingWatcher((Watcher) event -> {
            eventThreadHeld.countDown();
            try {
                letGo.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).forPath(trigger);
        zookeeper.otherClient().create().forPath(trigger);
        assertThat(eventThreadHeld.await(10, TimeUnit.SECONDS)).as("the counted client's event thread is held").isTrue();
        long session = ZooKeeperTwoClients.sessionOf(zookeeper.client());
        long before = zookeeper.server().requestsReceivedFrom(session);

        CompletableFuture<List<@Nullable Stat>> reads = CompletableFuture.supplyAsync(() -> nodeReads.stats(paths));
        try {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> zookeeper.server().requestsReceivedFrom(session) - before, sent -> sent >= paths.size());
        } finally {
            letGo.countDown();
        }

        assertThat(reads.get(10, TimeUnit.SECONDS)).hasSize(paths.size()).containsOnlyNulls();
        zookeeper.otherClient().delete().forPath(trigger);
    }

    /** The requests the counted backend's session sent during {@code call}; it is synchronous, so all are answered. */
    private static long roundTrips(Supplier<?> call) {
        long session = ZooKeeperTwoClients.sessionOf(zookeeper.client());
        long before = zookeeper.server().requestsReceivedFrom(session);
        call.get();
        return zookeeper.server().requestsReceivedFrom(session) - before;
    }

    private AcquireRequest unfair(String owner) {
        return new AcquireRequest(key, owner, LEASE, false);
    }

}
