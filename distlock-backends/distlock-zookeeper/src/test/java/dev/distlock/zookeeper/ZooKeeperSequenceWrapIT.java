package dev.distlock.zookeeper;

import static dev.distlock.testsupport.BackendCalls.owner;
import static dev.distlock.testsupport.BackendCalls.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.testsupport.ZooKeeperServerFixture;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A busy key whose fair queue is never emptied: ZooKeeper numbers its queue nodes with the queue's
 * signed 32-bit child counter, which every create raises (every fair waiter spends one), and
 * once it reached {@link Integer#MAX_VALUE} every later node is numbered 2147483647 too (or, for
 * creates in flight together, wraps to negative numbers). The queue must still put the holder
 * first. The server's counter is raised to the limit by a test hook rather than by two billion
 * requests.
 */
class ZooKeeperSequenceWrapIT {

    private static final Duration LEASE = Duration.ofSeconds(30);

    private static ZooKeeperServerFixture zookeeper;
    private static CuratorFramework client;

    @BeforeAll
    static void startServer() {
        zookeeper = ZooKeeperServerFixture.single();
        client = CuratorFrameworkFactory.newClient(zookeeper.connectString(), Math.toIntExact(LEASE.toMillis()), 5_000,
                new RetryOneTime(100)); // its session timeout is the crash-recovery time of its locks: the lease
        client.start();
    }

    @AfterAll
    static void stopServer() {
        client.close();
        zookeeper.close();
    }

    @Test
    void theHolderStaysTheOnlyHolderOnceTheKeysSequenceCounterHasReachedItsLimit() {
        String basePath = "/wrap-" + UUID.randomUUID();
        String key = "app:busy";
        try (ZooKeeperLockBackend holders = new ZooKeeperLockBackend(client, basePath);
                ZooKeeperLockBackend contenders = new ZooKeeperLockBackend(client, basePath)) {
            String first = owner();
            String second = owner();
            long firstToken = token(holders.tryAcquire(fair(key, first)));
            // The second waits in line, numbered 0; the queue keeps a node all along from here on.
            assertThat(holders.tryAcquire(fair(key, second))).isInstanceOf(AcquireResult.Denied.class);
            zookeeper.raiseChildVersion(basePath + "/" + ZooKeeperKeyLayout.encode(key) + "~queue", Integer.MAX_VALUE);

            // Every later waiter is numbered 2147483647 (the counter's last number): the name no longer
            // tells who came first, the creation order does.
            String third = owner();
            String fourth = owner();
            assertThat(contenders.tryAcquire(fair(key, third))).as("fair waiter past the limit")
                    .isInstanceOf(AcquireResult.Denied.class);
            assertThat(contenders.tryAcquire(fair(key, fourth))).as("a later fair waiter past the limit")
                    .isInstanceOf(AcquireResult.Denied.class);
            for (int attempt = 1; attempt <= 20; attempt++) {
                assertThat(contenders.tryAcquire(new AcquireRequest(key, owner(), LEASE, false)))
                        .as("unfair attempt %d while the key is held", attempt)
                        .isInstanceOf(AcquireResult.Denied.class);
            }

            assertThat(holders.release(key, first)).isTrue();
            assertThat(contenders.tryAcquire(fair(key, fourth))).as("fourth, behind the third")
                    .isInstanceOf(AcquireResult.Denied.class);
            long secondToken = token(holders.tryAcquire(fair(key, second)));
            assertThat(secondToken).isGreaterThan(firstToken);
            assertThat(holders.renew(key, second, LEASE)).isTrue();
            assertThat(holders.release(key, second)).isTrue();

            assertThat(contenders.tryAcquire(fair(key, fourth))).as("fourth, still behind the third")
                    .isInstanceOf(AcquireResult.Denied.class);
            long thirdToken = token(contenders.tryAcquire(fair(key, third)));
            assertThat(thirdToken).isGreaterThan(secondToken);
            assertThat(contenders.release(key, third)).isTrue();
            assertThat(token(contenders.tryAcquire(fair(key, fourth)))).isGreaterThan(thirdToken);
            assertThat(contenders.release(key, fourth)).isTrue();
        }
    }

    private static AcquireRequest fair(String key, String owner) {
        return new AcquireRequest(key, owner, LEASE, true);
    }
}
