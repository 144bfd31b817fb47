package dev.distlock.benchmarks.redis;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import dev.distlock.benchmarks.support.LockClient;

/** The Redis floors, for one node and for Redlock's several: the raw Lettuce calls, fewest round trips. */
public final class RedisFloors {

    /** The lease of every floor, as of every client of the Redis benches. */
    static final Duration LEASE = RedisBench.LEASE;

    private RedisFloors() {
    }

    /** {@code floor}: SET NX PX, compare-and-delete. */
    public static LockClient plain(String uri) {
        return new Floor(uri, false);
    }

    /** {@code floor-fenced}: the set-and-increment script, compare-and-delete. */
    public static LockClient fenced(String uri) {
        return new Floor(uri, true);
    }

    /** {@code floor-waiting}: the fenced floor whose acquire waits for the release message instead of failing. */
    public static LockClient waiting(String uri) {
        return new WaitingFloor(uri);
    }

    /**
     * The floors: two round trips with Lettuce. Plain ({@code floor}): SET key owner NX PX lease to
     * acquire, a compare-and-delete script to release, so that only the owner frees the key: no
     * fencing token. Fenced ({@code floor-fenced}): one script that does the SET NX PX and, when it
     * granted, INCRs the node's fence counter and returns the token; the same compare-and-delete.
     * The difference between the two is the cost of fencing itself.
     *
     * <p>The fenced floor gives what distlock's single-node backend gives (a token from a counter INCR,
     * an owner-checked delete) in the same round trips: one script to acquire, one to release. Inside
     * those scripts distlock does more (RedisLockScripts, RedisQueueScripts): the lock is a hash of
     * owner and token (a retry by the holder gets its token back), the acquire reads the key's
     * replaced counter, and the release checks for a waiter set (5 and 3 commands inside the scripts,
     * against 2 and 2 here); that server time is part of the ratio.
     */
    private static final class Floor implements LockClient {

        private final Node node;
        private final boolean fenced;
        private final String owner = UUID.randomUUID().toString();

        Floor(String uri, boolean fenced) {
            this.node = new Node(uri);
            this.fenced = fenced;
        }

        @Override
        public Held acquire(String key) {
            boolean granted = fenced ? node.setAndIncrement(key, owner) > 0 : node.setNx(key, owner);
            if (!granted) {
                throw new NotGranted(key);
            }
            return () -> node.compareAndDelete(key, owner);
        }

        @Override
        public void close() {
            node.close();
        }
    }

    /**
     * The fewest round trips a client that waits needs, with the guarantees distlock gives (an
     * owner-checked release, a fenced token on acquire, a waiter woken by the release, never a poll):
     * the release is one script that deletes the owner's key and, when it did, PUBLISHes the key on
     * {@link #RELEASED}; the waiter SUBSCRIBEs once per client, tries the fenced acquire, and when
     * denied waits for a release message of its key (on Lettuce's event loop thread, which wakes it
     * directly), then tries again. A release between the denial and the wait is not missed: the
     * waiter waits for the key's release count to move past the count it read before it tried. A
     * holder that dies without releasing is waited for at most one lease.
     */
    private static final class WaitingFloor implements LockClient {

        static final String RELEASED = "bench:released";

        /** KEYS[1] lock key; ARGV[1] owner, ARGV[2] channel. Deletes the owner's key and publishes it: 1, else 0. */
        static final String COMPARE_DELETE_AND_PUBLISH = """
                if redis.call('get', KEYS[1]) == ARGV[1] then
                  redis.call('del', KEYS[1])
                  redis.call('publish', ARGV[2], KEYS[1])
                  return 1
                end
                return 0
                """;

        private final Node node;
        private final String owner = UUID.randomUUID().toString();
        private final String compareDeleteAndPublish;
        private final StatefulRedisPubSubConnection<String, String> subscription;
        private final Map<String, Releases> releases = new ConcurrentHashMap<>();

        WaitingFloor(String uri) {
            node = new Node(uri);
            compareDeleteAndPublish = node.sync.scriptLoad(COMPARE_DELETE_AND_PUBLISH);
            subscription = node.redis.connectPubSub();
            subscription.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String key) {
                    releasesOf(key).released();
                }
            });
            subscription.sync().subscribe(RELEASED);
        }

        @Override
        public Held acquire(String key) {
            Releases seen = releasesOf(key);
            while (true) {
                long before = seen.count();
                if (node.setAndIncrement(key, owner) > 0) {
                    return () -> node.sync.evalsha(compareDeleteAndPublish, ScriptOutputType.INTEGER, new String[] {key},
                            owner, RELEASED);
                }
                seen.awaitPast(before, LEASE.toNanos());
            }
        }

        private Releases releasesOf(String key) {
            return releases.computeIfAbsent(key, k -> new Releases());
        }

        @Override
        public void close() {
            subscription.close();
            node.close();
        }
    }

    /** How many release messages of one key this client heard; waiters wait for it to move. */
    private static final class Releases {
        private long count;

        synchronized long count() {
            return count;
        }

        synchronized void released() {
            count++;
            notifyAll();
        }

        synchronized void awaitPast(long seen, long timeoutNanos) {
            long deadline = System.nanoTime() + timeoutNanos;
            long remaining = timeoutNanos;
            while (count == seen && remaining > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for a release", e);
                }
                remaining = deadline - System.nanoTime();
            }
        }
    }

    /**
     * One Redis node as the floors talk to it: a plain Lettuce connection and the floor's commands, each
     * one round trip, synchronously (one node) or asynchronously (several nodes in parallel, as Redlock
     * sends its scripts). Scripts are loaded once and called by their SHA.
     */
    public static final class Node implements AutoCloseable {

        /** KEYS[1] lock key; ARGV[1] owner. Returns 1 when the owner's key was deleted, else 0. */
        static final String COMPARE_AND_DELETE = """
                if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
                return 0
                """;

        /**
         * The fenced acquire. KEYS[1] lock key, KEYS[2] the node's fence counter; ARGV[1] owner, ARGV[2]
         * lease ms. Returns the new fencing token (INCR of the counter, so larger than every token before
         * it) when the key was free and is now the owner's, 0 when another owner holds it.
         */
        static final String SET_AND_INCREMENT = """
                if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return redis.call('incr', KEYS[2]) end
                return 0
                """;

        /** The fence counter of every key on a node, as distlock has one (RedisKeyLayout.NODE_FENCE). */
        static final String FENCE = "bench:fence";

        private final RedisClient redis;
        private final StatefulRedisConnection<String, String> connection;
        private final RedisCommands<String, String> sync;
        private final RedisAsyncCommands<String, String> async;
        private final String compareAndDelete;
        private final String setAndIncrement;
        private final SetArgs setArgs = SetArgs.Builder.nx().px(LEASE.toMillis());
        private final String leaseMillis = Long.toString(LEASE.toMillis());

        public Node(String uri) {
            redis = RedisClient.create(uri);
            connection = redis.connect();
            sync = connection.sync();
            async = connection.async();
            compareAndDelete = sync.scriptLoad(COMPARE_AND_DELETE);
            setAndIncrement = sync.scriptLoad(SET_AND_INCREMENT);
        }

        /** SET key owner NX PX lease: true when granted. */
        public boolean setNx(String key, String owner) {
            return sync.set(key, owner, setArgs) != null;
        }

        /** The fenced acquire script: the token, or 0 when held. */
        public long setAndIncrement(String key, String owner) {
            return sync.<Long>evalsha(setAndIncrement, ScriptOutputType.INTEGER, new String[] {key, FENCE}, owner, leaseMillis);
        }

        public CompletableFuture<Long> setAndIncrementAsync(String key, String owner) {
            return async.<Long>evalsha(setAndIncrement, ScriptOutputType.INTEGER, new String[] {key, FENCE}, owner, leaseMillis)
                    .toCompletableFuture();
        }

        public void compareAndDelete(String key, String owner) {
            sync.evalsha(compareAndDelete, ScriptOutputType.INTEGER, new String[] {key}, owner);
        }

        public CompletableFuture<Long> compareAndDeleteAsync(String key, String owner) {
            return async.<Long>evalsha(compareAndDelete, ScriptOutputType.INTEGER, new String[] {key}, owner).toCompletableFuture();
        }

        @Override
        public void close() {
            connection.close();
            redis.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
