package dev.distlock.benchmarks.zookeeper;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;

import dev.distlock.benchmarks.support.BackendBench;
import dev.distlock.benchmarks.support.DistlockAnnotationClient;
import dev.distlock.benchmarks.support.DistlockApiClient;
import dev.distlock.benchmarks.support.LockClient;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.ReleaseNotifications;
import dev.distlock.testsupport.ZooKeeperServerFixture;
import dev.distlock.zookeeper.ZooKeeperLockBackend;
import dev.distlock.zookeeper.ZooKeeperSettings;

/**
 * A ZooKeeper server of its own (Curator's in-JVM test server: it runs in the benchmark's JVM, see
 * docs/benchmarks.md) and the ZooKeeper clients compared on it, each with its own session.
 */
final class ZooKeeperBench implements BackendBench {

    private final ZooKeeperServerFixture server = ZooKeeperServerFixture.single();

    @Override
    public LockClient client(String impl) throws Exception {
        return switch (impl) {
            case "floor" -> new Floor(curator());
            case "floor-waiting" -> new FloorWaiting(curator());
            case "distlock-api" -> new DistlockApiClient(backend());
            case "distlock-backend" -> new BackendDirect(backend());
            case "distlock-api-fair" -> new DistlockApiClient(backend(), DistlockApiClient.OPTIONS.withFair(true));
            case "distlock-annotation" -> new DistlockAnnotationClient(backend());
            case "curator-mutex" -> new CuratorMutex(curator());
            default -> throw new IllegalArgumentException("No ZooKeeper client named " + impl);
        };
    }

    @Override
    public void close() {
        server.close();
    }

    private ZooKeeperLockBackend backend() {
        return ZooKeeperLockBackend.create(ZooKeeperSettings.builder(server.connectString()).build());
    }

    private CuratorFramework curator() throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.newClient(server.connectString(),
                new ExponentialBackoffRetry(100, 3));
        client.start();
        client.blockUntilConnected();
        return client;
    }

    /**
     * The floor: two round trips with Curator's framework, the protocol of distlock's unfair lock
     * without its bookkeeping. Create the lock's EPHEMERAL node (it fails when the node exists),
     * reading its Stat in the same reply (the czxid is the fencing token), then delete it at the
     * version it was created with. The parent exists beforehand.
     */
    static final class Floor implements LockClient {

        private static final String BASE = "/bench-floor";

        private final CuratorFramework client;

        Floor(CuratorFramework client) throws Exception {
            this.client = client;
            client.create().forPath(BASE);
        }

        @Override
        public Held acquire(String key) {
            String path = BASE + "/" + key;
            Stat created = new Stat();
            try {
                create(client, path, created);
            } catch (KeeperException.NodeExistsException held) {
                throw new NotGranted(key);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return deleteAtCreatedVersion(client, path, created);
        }

        /** The lock's EPHEMERAL node, its Stat read in the same reply: fails when the node exists. */
        static void create(CuratorFramework client, String path, Stat created) throws Exception {
            client.create().storingStatIn(created).withMode(CreateMode.EPHEMERAL).forPath(path);
        }

        /** The release: one delete, at the version the node was created with (no other holder's node). */
        static Held deleteAtCreatedVersion(CuratorFramework client, String path, Stat created) {
            return () -> {
                try {
                    client.delete().withVersion(created.getVersion()).forPath(path);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /**
     * The floor of a waiting unfair client: the fewest requests with the guarantees of distlock's
     * unfair lock. The {@link Floor}'s create; when the node exists, an exists-watch on it (one round
     * trip) and, at its NodeDeleted event, the create again. No poll, no bookkeeping, no retry policy
     * beyond Curator's own. A hand-off to it is the holder's delete, the event, and its create: a
     * write, where Curator's waiter, queued already, only reads (getChildren) after the event.
     */
    static final class FloorWaiting implements LockClient {

        private static final String BASE = "/bench-floor-waiting";

        private final CuratorFramework client;

        FloorWaiting(CuratorFramework client) throws Exception {
            this.client = client;
            try {
                client.create().forPath(BASE);
            } catch (KeeperException.NodeExistsException sharedWithTheOtherClient) {
                // the hand-off's second client made it
            }
        }

        @Override
        public Held acquire(String key) {
            String path = BASE + "/" + key;
            Stat created = new Stat();
            try {
                while (true) {
                    try {
                        Floor.create(client, path, created);
                        break;
                    } catch (KeeperException.NodeExistsException held) {
                        CountDownLatch deleted = new CountDownLatch(1);
                        Watcher wake = event -> deleted.countDown(); // NodeDeleted, or a session event: look again
                        if (client.checkExists().usingWatcher(wake).forPath(path) != null) {
                            deleted.await();
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return Floor.deleteAtCreatedVersion(client, path, created);
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /**
     * distlock's backend called directly, without the engine (no store-call threads, no renewal, no
     * local gate): subscribe, attempt, and at a release notification attempt again. What the engine
     * adds at hand-off is distlock-api's figure less this one.
     */
    static final class BackendDirect implements LockClient {

        private static final Duration LEASE = Duration.ofSeconds(30);

        private final ZooKeeperLockBackend backend;
        private final String owner = UUID.randomUUID().toString();

        BackendDirect(ZooKeeperLockBackend backend) {
            this.backend = backend;
        }

        @Override
        public Held acquire(String key) {
            AcquireRequest request = new AcquireRequest(key, owner, LEASE, false);
            Semaphore released = new Semaphore(0);
            try (ReleaseNotifications.Subscription subscription = backend.subscribe(key, owner, released::release)) {
                while (!(backend.tryAcquire(request) instanceof AcquireResult.Granted)) {
                    released.acquire();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return () -> backend.release(key, owner);
        }

        @Override
        public void close() {
            backend.close();
        }
    }

    /** Curator's InterProcessMutex, one per key (as an application keeps them); acquire() blocks. */
    static final class CuratorMutex implements LockClient {

        private final CuratorFramework client;
        private final Map<String, InterProcessMutex> mutexes = new ConcurrentHashMap<>();

        CuratorMutex(CuratorFramework client) {
            this.client = client;
        }

        @Override
        public Held acquire(String key) {
            InterProcessMutex mutex = mutexes.computeIfAbsent(key, name -> new InterProcessMutex(client, "/bench-curator/" + name));
            try {
                mutex.acquire();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return () -> {
                try {
                    mutex.release();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
