package dev.distlock.benchmarks.redlock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.redisson.Redisson;
import org.redisson.RedissonRedLock;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

import dev.distlock.benchmarks.redis.RedisFloors;
import dev.distlock.benchmarks.support.BackendBench;
import dev.distlock.benchmarks.support.DistlockApiClient;
import dev.distlock.benchmarks.support.LockClient;
import dev.distlock.redis.RedlockLockBackend;
import dev.distlock.redis.RedlockSettings;
import dev.distlock.testsupport.RedisServerFixture;

/**
 * Three independent redis-server processes of its own (each started as the single-node bench starts
 * its one) and the Redlock clients compared on them; leases of 30 s.
 *
 * <p>The floors, so that Redlock's price shows against one node's: {@code floor-fenced} is the
 * single fenced floor on the first node alone (3x its time is the naive price of three nodes);
 * {@code floor-sequential} sends the fenced floor to each node in turn; {@code floor-parallel} sends
 * it to the three at once and waits for all three replies, as Redlock does (distlock's
 * RedlockLockBackend sends every script to every node in parallel): one parallel round to acquire,
 * one to release. distlock adds a second parallel round to acquire (the winning token written back
 * to a majority, so that tokens grow across majorities), which is not in the floor.
 */
final class RedlockBench implements BackendBench {

    static final int NODES = 3;

    private final List<RedisServerFixture> servers = new ArrayList<>();

    RedlockBench() {
        for (int i = 0; i < NODES; i++) {
            servers.add(RedisServerFixture.start());
        }
    }

    @Override
    public LockClient client(String impl) {
        List<String> uris = servers.stream().map(RedisServerFixture::uri).toList();
        return switch (impl) {
            case "floor-fenced" -> RedisFloors.fenced(uris.get(0));
            case "floor-sequential" -> new Floor(uris, false);
            case "floor-parallel" -> new Floor(uris, true);
            case "distlock-api" -> new DistlockApiClient(connected(new RedlockLockBackend(RedlockSettings.of(uris))));
            case "redisson-redlock" -> redissonRedLock(uris);
            default -> throw new IllegalArgumentException("No Redlock client named " + impl);
        };
    }

    @Override
    public void close() {
        servers.forEach(RedisServerFixture::close);
    }

    /**
     * The backend once every node answers (it dials in the background, and a first call before that
     * would find no node): with the default 100 ms node timeout, as a user has it.
     */
    private static RedlockLockBackend connected(RedlockLockBackend backend) {
        Map<String, Throwable> failures = backend.connectionFailures(Duration.ofSeconds(30));
        if (!failures.isEmpty()) {
            backend.close();
            throw new IllegalStateException("Redlock nodes not reachable: " + failures);
        }
        return backend;
    }

    /** Redisson's RedissonRedLock over one RLock per node (a Redisson client each), lock() with watchdog renewal. */
    private static LockClient redissonRedLock(List<String> uris) {
        List<RedissonClient> clients = new ArrayList<>();
        for (String uri : uris) {
            Config config = new Config();
            config.useSingleServer().setAddress(uri);
            clients.add(Redisson.create(config));
        }
        return LockClient.ofLocks(key -> new RedissonRedLock(clients.stream().map(c -> c.getLock(key)).toArray(RLock[]::new)),
                () -> clients.forEach(RedissonClient::shutdown));
    }

    /** The fenced floor on every node, in turn or in parallel; granted on a majority, released everywhere. */
    static final class Floor implements LockClient {

        private final List<RedisFloors.Node> nodes = new ArrayList<>();
        private final boolean parallel;
        private final String owner = UUID.randomUUID().toString();

        Floor(List<String> uris, boolean parallel) {
            uris.forEach(uri -> nodes.add(new RedisFloors.Node(uri)));
            this.parallel = parallel;
        }

        @Override
        public Held acquire(String key) {
            int granted = 0;
            if (parallel) {
                List<CompletableFuture<Long>> replies = nodes.stream().map(node -> node.setAndIncrementAsync(key, owner)).toList();
                for (CompletableFuture<Long> reply : replies) {
                    granted += reply.join() > 0 ? 1 : 0;
                }
            } else {
                for (RedisFloors.Node node : nodes) {
                    granted += node.setAndIncrement(key, owner) > 0 ? 1 : 0;
                }
            }
            if (granted < NODES / 2 + 1) {
                release(key);
                throw new NotGranted(key);
            }
            return () -> release(key);
        }

        private void release(String key) {
            if (parallel) {
                nodes.stream().map(node -> node.compareAndDeleteAsync(key, owner)).toList().forEach(CompletableFuture::join);
            } else {
                nodes.forEach(node -> node.compareAndDelete(key, owner));
            }
        }

        @Override
        public void close() {
            nodes.forEach(RedisFloors.Node::close);
        }
    }
}
