package dev.distlock.zookeeper;

import static dev.distlock.testsupport.BackendCalls.owner;
import static dev.distlock.testsupport.BackendCalls.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.RenewRequest;
import dev.distlock.testsupport.CuttableFollowerEnsemble;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A holder connected to a follower that is cut off from the leader: the follower goes on answering
 * reads from its stale data while the leader expires the holder's session and grants the key to
 * somebody else. A renewal must not confirm the old lease then.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ZooKeeperStaleFollowerIT {

    private static final Duration LEASE = Duration.ofSeconds(30);

    @Test
    void aHolderOnAFollowerCutOffFromTheLeaderCannotRenewOnceTheLeaderGaveTheKeyToAnother() throws Exception {
        String key = "stale:" + UUID.randomUUID();
        try (CuttableFollowerEnsemble ensemble = CuttableFollowerEnsemble.start();
                CuratorFramework holderClient = client(ensemble.followerConnectString(), Duration.ofSeconds(2));
                CuratorFramework otherClient = client(ensemble.majorityConnectString(), Duration.ofSeconds(4));
                ZooKeeperLockBackend holder = new ZooKeeperLockBackend(holderClient, "/distlock");
                ZooKeeperLockBackend other = new ZooKeeperLockBackend(otherClient, "/distlock")) {
            String holderOwner = owner();
            long holderToken = token(holder.tryAcquire(new AcquireRequest(key, holderOwner, LEASE, true)));
            assertThat(holder.renew(key, holderOwner, LEASE)).as("renewal while the ensemble is whole").isTrue();

            ensemble.cutFollowerFromLeader();

            // The leader stops hearing of the holder's session: it expires it and deletes its node.
            String otherOwner = owner();
            AcquireResult taken = await("the majority grants the key once the holder's session expired there")
                    .atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> other.tryAcquire(new AcquireRequest(key, otherOwner, LEASE, false)),
                            result -> result instanceof AcquireResult.Granted);
            assertThat(token(taken)).isGreaterThan(holderToken);
            String keyPath = "/distlock/" + ZooKeeperKeyLayout.encode(key);
            assertThat(holderClient.checkExists().forPath(keyPath))
                    .as("the cut-off follower still shows the holder's node to a plain read")
                    .isNotNull().extracting(Stat::getCzxid).isEqualTo(holderToken);

            assertThat(renewal(holder, key, holderOwner))
                    .as("renewal of a lease the leader already gave to another holder").isNotEqualTo("renewed");
            assertThat(batchRenewal(holder, key, holderOwner))
                    .as("renewAll of a lease the leader already gave to another holder").isNotEqualTo("renewed");
        }
    }

    /** "renewed", "refused" or "failed": a renewal that cannot be confirmed may either answer false or fail. */
    private static String renewal(ZooKeeperLockBackend backend, String key, String owner) {
        try {
            return backend.renew(key, owner, LEASE) ? "renewed" : "refused";
        } catch (LockBackendException e) {
            return "failed";
        }
    }

    private static String batchRenewal(ZooKeeperLockBackend backend, String key, String owner) {
        try {
            return backend.renewAll(List.of(new RenewRequest(key, owner, LEASE))).get(0).extended() ? "renewed" : "refused";
        } catch (LockBackendException e) {
            return "failed";
        }
    }

    private static CuratorFramework client(String connectString, Duration sessionTimeout) {
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs((int) sessionTimeout.toMillis())
                .connectionTimeoutMs(2_000)
                .retryPolicy(new RetryOneTime(100))
                .ensembleTracker(false) // stay on the follower, as a client of that server only would
                .build();
        client.start();
        return client;
    }
}
