package dev.distlock.etcd;

import static dev.distlock.testsupport.BackendCalls.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.testsupport.FencedResource;

/** Leases: what keeps a node alive, what ends it, and who hears of it. */
class EtcdLeaseIT {

    @RegisterExtension
    static final EtcdServer etcd = new EtcdServer();

    private static String key() {
        return "lease:" + UUID.randomUUID();
    }

    /** The nodes of a lock's queue, oldest first, as etcd has them. */
    private static List<KeyValue> nodes(String key) throws Exception {
        ByteSequence queue = ByteSequence.from(EtcdSettings.DEFAULT_KEY_PREFIX + "/" + EtcdKeyLayout.escape(key) + "/",
                StandardCharsets.UTF_8);
        return etcd.inspector().getKVClient().get(queue, GetOption.builder().isPrefix(true)
                .withSortField(GetOption.SortTarget.CREATE).build()).get(5, TimeUnit.SECONDS).getKvs();
    }

    @Test
    void revokedLeaseIsReportedLostAtOnceAndTheNextHolderHasAHigherToken() throws Exception {
        EtcdLockBackend holder = etcd.backend();
        List<String> lost = new CopyOnWriteArrayList<>();
        holder.setLeaseLossListener(new LostLeases(lost));
        String key = key();
        long first = token(holder.tryAcquire(new AcquireRequest(key, "h:1", Duration.ofSeconds(30), false)));

        long leaseId = nodes(key).get(0).getLease();
        long revokedAt = System.nanoTime();
        etcd.inspector().getLeaseClient().revoke(leaseId).get(5, TimeUnit.SECONDS);

        // "At once": well before the next renewal the engine would make (a third of 30 s).
        Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> lost.contains(key + " h:1"));
        System.out.printf("etcd lease loss: reported %d ms after the revoke%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - revokedAt));
        FencedResource resource = new FencedResource();
        long second = token(etcd.backend().tryAcquire(new AcquireRequest(key, "n:1", Duration.ofSeconds(30), false)));
        assertThat(second).isGreaterThan(first);
        assertThat(resource.write(key, second)).isTrue();
        assertThat(resource.write(key, first)).as("the old holder's late write").isFalse();
        assertThat(holder.renew(key, "h:1", Duration.ofSeconds(30))).isFalse();
        assertThat(holder.release(key, "h:1")).isFalse();
        assertThat(nodes(key)).hasSize(1);
    }

    @Test
    void shorterRenewalKeepsTheTokenAndEndsTheLockSooner() throws Exception {
        // What the engine does for holdAtLeast: renew with the rest of the hold, then stop renewing.
        EtcdLockBackend holder = etcd.backend();
        String key = key();
        long token = token(holder.tryAcquire(new AcquireRequest(key, "h:1", Duration.ofSeconds(60), false)));
        long oldLease = nodes(key).get(0).getLease();

        assertThat(holder.renew(key, "h:1", Duration.ofSeconds(1))).isTrue();

        KeyValue node = nodes(key).get(0);
        assertThat(node.getCreateRevision()).isEqualTo(token);
        assertThat(node.getLease()).isNotEqualTo(oldLease);
        long remaining = etcd.inspector().getLeaseClient().timeToLive(node.getLease(), io.etcd.jetcd.options.LeaseOption.DEFAULT)
                .get(5, TimeUnit.SECONDS).getTTL();
        assertThat(remaining).isLessThanOrEqualTo(1);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> nodes(key).isEmpty());
    }

    @Test
    void longerRenewalMovesTheLockToALongerLease() throws Exception {
        EtcdLockBackend holder = etcd.backend();
        String key = key();
        token(holder.tryAcquire(new AcquireRequest(key, "h:1", Duration.ofSeconds(2), false)));
        assertThat(holder.renew(key, "h:1", Duration.ofSeconds(60))).isTrue();
        long remaining = etcd.inspector().getLeaseClient().timeToLive(nodes(key).get(0).getLease(),
                io.etcd.jetcd.options.LeaseOption.DEFAULT).get(5, TimeUnit.SECONDS).getTTL();
        assertThat(remaining).isGreaterThan(50);
        // Same TTL again: a keep-alive of the same lease.
        long lease = nodes(key).get(0).getLease();
        assertThat(holder.renew(key, "h:1", Duration.ofSeconds(60))).isTrue();
        assertThat(nodes(key).get(0).getLease()).isEqualTo(lease);
    }

    @Test
    void subscribedFairWaiterKeepsItsPlaceLongerThanItsTtl() throws Exception {
        EtcdLockBackend holder = etcd.backend();
        EtcdLockBackend waiter = etcd.backend();
        String key = key();
        token(holder.tryAcquire(new AcquireRequest(key, "h:1", Duration.ofSeconds(30), true)));
        try (var subscription = waiter.subscribe(key, "w:1", () -> { })) {
            assertThat(waiter.tryAcquire(new AcquireRequest(key, "w:1", Duration.ofSeconds(1), true)))
                    .isInstanceOf(AcquireResult.Denied.class);
            long place = nodes(key).get(1).getCreateRevision();
            Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> nodes(key).size() == 2 && nodes(key).get(1).getCreateRevision() == place);
            assertThat(holder.release(key, "h:1")).isTrue();
            assertThat(token(waiter.tryAcquire(new AcquireRequest(key, "w:1", Duration.ofSeconds(1), true)))).isEqualTo(place);
        }
    }

    @Test
    void waiterThatStopsWaitingDropsOutOfTheQueue() throws Exception {
        EtcdLockBackend holder = etcd.backend();
        EtcdLockBackend gone = etcd.backend();
        EtcdLockBackend quiet = etcd.backend();
        String key = key();
        token(holder.tryAcquire(new AcquireRequest(key, "h:1", Duration.ofSeconds(30), true)));
        // A waiter whose backend closed (its JVM stopped): its node goes at once.
        gone.subscribe(key, "g:1", () -> { });
        assertThat(gone.tryAcquire(new AcquireRequest(key, "g:1", Duration.ofSeconds(1), true))).isInstanceOf(AcquireResult.Denied.class);
        // A waiter that neither subscribes nor retries nor withdraws: its node lasts one TTL.
        assertThat(quiet.tryAcquire(new AcquireRequest(key, "q:1", Duration.ofSeconds(1), true))).isInstanceOf(AcquireResult.Denied.class);
        assertThat(nodes(key)).hasSize(3);
        gone.close();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> nodes(key).size() == 1);
        assertThat(holder.release(key, "h:1")).isTrue();
        token(etcd.backend().tryAcquire(new AcquireRequest(key, "n:1", Duration.ofSeconds(30), true)));
    }

    @Test
    void deniedUnfairAttemptLeavesNoNode() throws Exception {
        EtcdLockBackend holder = etcd.backend();
        String key = key();
        token(holder.tryAcquire(new AcquireRequest(key, "h:1", Duration.ofSeconds(30), false)));
        assertThat(etcd.backend().tryAcquire(new AcquireRequest(key, "o:1", Duration.ofSeconds(30), false)))
                .isInstanceOf(AcquireResult.Denied.class);
        assertThat(nodes(key)).hasSize(1);
    }

    @Test
    void withdrawnWaiterLetsTheOneBehindItThrough() {
        EtcdLockBackend holder = etcd.backend();
        EtcdLockBackend first = etcd.backend();
        EtcdLockBackend second = etcd.backend();
        String key = key();
        token(holder.tryAcquire(new AcquireRequest(key, "h:1", Duration.ofSeconds(30), true)));
        assertThat(first.tryAcquire(new AcquireRequest(key, "f:1", Duration.ofSeconds(30), true))).isInstanceOf(AcquireResult.Denied.class);
        assertThat(second.tryAcquire(new AcquireRequest(key, "s:1", Duration.ofSeconds(30), true))).isInstanceOf(AcquireResult.Denied.class);
        first.withdraw(key, "f:1");
        assertThat(holder.release(key, "h:1")).isTrue();
        token(second.tryAcquire(new AcquireRequest(key, "s:1", Duration.ofSeconds(30), true)));
    }
}
