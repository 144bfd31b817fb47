package dev.distlock.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.testsupport.ZooKeeperServerFixture;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Distinct keys must not leak znodes: every key's parent is a CONTAINER node that the server
 * deletes once its last lock node is gone (the fixture lets the server look every 100 ms).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ZooKeeperNodeCleanupIT {

    private static final Duration LEASE = Duration.ofSeconds(30);

    private static ZooKeeperServerFixture zookeeper;
    private static CuratorFramework client;

    @BeforeAll
    static void start() {
        zookeeper = ZooKeeperServerFixture.single();
        client = CuratorFrameworkFactory.newClient(zookeeper.connectString(), 10_000, 5_000, new RetryOneTime(100));
        client.start();
    }

    @AfterAll
    static void stop() {
        client.close();
        zookeeper.close();
    }

    @Test
    void tenThousandDistinctKeysAcquiredAndReleasedLeaveNoZnodesBehind() throws Exception {
        String basePath = "/cleanup-" + UUID.randomUUID();
        int keys = 10_000;
        int threads = 4;
        long started = System.nanoTime();
        try (ZooKeeperLockBackend backend = new ZooKeeperLockBackend(client, basePath)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> workers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int first = t;
                    workers.add(pool.submit(() -> {
                        for (int i = first; i < keys; i += threads) {
                            String key = "app:job:" + i;
                            String owner = UUID.randomUUID() + ":1";
                            assertThat(backend.tryAcquire(new AcquireRequest(key, owner, LEASE, i % 2 == 0)))
                                    .isInstanceOf(AcquireResult.Granted.class);
                            assertThat(backend.release(key, owner)).isTrue();
                        }
                        return null;
                    }));
                }
                for (Future<?> worker : workers) {
                    worker.get(80, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
        }

        long acquired = System.nanoTime();
        // Key containers go first; the base path, a container too, follows once it is empty.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> client.checkExists().forPath(basePath) == null);
        System.out.printf("%d keys acquired and released in %d ms; all containers reaped %d ms later%n", keys,
                TimeUnit.NANOSECONDS.toMillis(acquired - started), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - acquired));
    }

    @Test
    void unfairDenialsAndWithdrawnWaitersLeaveNoNodeInTheQueue() throws Exception {
        String basePath = "/queue-" + UUID.randomUUID();
        try (ZooKeeperLockBackend holder = new ZooKeeperLockBackend(client, basePath);
                ZooKeeperLockBackend waiter = new ZooKeeperLockBackend(client, basePath)) {
            String key = "app:queue:1";
            String holderOwner = UUID.randomUUID() + ":1";
            String unfair = UUID.randomUUID() + ":1";
            String fair = UUID.randomUUID() + ":1";
            holder.tryAcquire(new AcquireRequest(key, holderOwner, LEASE, true));
            assertThat(waiter.tryAcquire(new AcquireRequest(key, unfair, LEASE, false))).isInstanceOf(AcquireResult.Denied.class);
            assertThat(waiter.tryAcquire(new AcquireRequest(key, fair, LEASE, true))).isInstanceOf(AcquireResult.Denied.class);
            String keyPath = basePath + "/" + ZooKeeperKeyLayout.encode(key);
            String queuePath = keyPath + "~queue";
            assertThat(client.checkExists().forPath(keyPath)).as("the holder's node").isNotNull();
            assertThat(children(queuePath)).as("the fair waiter in line; the unfair one left nothing").hasSize(1);

            waiter.withdraw(key, fair);

            assertThat(children(queuePath)).as("nobody in line, the holder's node alone").isEmpty();
            assertThat(client.checkExists().forPath(keyPath)).as("the holder's node").isNotNull();
            assertThat(holder.release(key, holderOwner)).isTrue();
        }
    }

    /** The children of {@code path}; none once the server has reaped the container. */
    private static List<String> children(String path) throws Exception {
        try {
            return client.getChildren().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
    }
}
