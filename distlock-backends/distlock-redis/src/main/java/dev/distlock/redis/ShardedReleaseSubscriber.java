package dev.distlock.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.support.WaiterRegistry;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;

/**
 * The release subscription of a {@link RedisLockBackend} on Redis Cluster (7 or later, Lettuce):
 * sharded pub/sub, one channel per hash slot that this backend waits in,
 * {@code <prefix><subscriber id>:{<tag>}} with the slot's tag, so that a release's
 * {@code SPUBLISH} goes to the slot's shard only instead of every node of the cluster.
 *
 * <p>{@link #listen} subscribes before it returns (Lettuce routes {@code SSUBSCRIBE} to the node
 * that owns the slot) and {@link #unlisten} drops the channel once no waiter of that slot remains.
 * Lettuce re-subscribes after a reconnect, and a channel that Redis drops (its slot moved) is
 * subscribed again; either way every waiter is woken, since releases in the gap were missed.
 *
 * <p>The lock guards the per-slot counts only; Redis is never awaited under it.
 */
final class ShardedReleaseSubscriber implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ShardedReleaseSubscriber.class);

    private final StatefulRedisClusterPubSubConnection<byte[], byte[]> connection;
    private final String channelPrefix;
    private final Duration timeout;
    private final WaiterRegistry<String> waiters;
    private final Runnable onResubscribed;
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock: waiters per slot, and the SSUBSCRIBE of each slot that has any.
    private final Map<Integer, Integer> listenersBySlot = new HashMap<>();
    private final Map<Integer, CompletableFuture<Void>> subscriptions = new HashMap<>();
    private boolean closed;

    /** {@code channelPrefix}: the release channel prefix and this backend's subscriber id. */
    ShardedReleaseSubscriber(RedisClusterClient client, String channelPrefix, Duration timeout, WaiterRegistry<String> waiters,
            Runnable onResubscribed) {
        this.channelPrefix = channelPrefix;
        this.timeout = timeout;
        this.waiters = waiters;
        this.onResubscribed = onResubscribed;
        this.connection = client.connectPubSub(ByteArrayCodec.INSTANCE);
        // smessage arrives on the node connection of the slot's owner: let it reach our listener.
        connection.setNodeMessagePropagation(true);
        connection.addListener(new RedisClusterPubSubAdapter<>() {
            @Override
            public void smessage(RedisClusterNode node, byte[] channel, byte[] message) {
                ReleaseMessage release = ReleaseMessage.parse(message);
                waiters.wakeHead(release.key(), release.head());
            }

            @Override
            public void ssubscribed(RedisClusterNode node, byte[] channel, long count) {
                resubscribedOrConfirmed(new String(channel, StandardCharsets.UTF_8));
            }

            @Override
            public void sunsubscribed(RedisClusterNode node, byte[] channel, long count) {
                droppedByServer(new String(channel, StandardCharsets.UTF_8));
            }
        });
    }

    /** The channel of {@code slot}: its tag makes it hash to that slot, as SPUBLISH in a script requires. */
    static String channelSuffix(int slot) {
        return ":{" + SlotFenceCounters.tagOf(slot) + "}";
    }

    /** Subscribed to the channel of {@code slot} when this returns; throws when Redis did not confirm in time. */
    void listen(int slot) {
        CompletableFuture<Void> subscribed;
        lock.lock();
        try {
            if (closed) {
                throw new LockBackendException("The Redis backend is closed");
            }
            listenersBySlot.merge(slot, 1, Integer::sum);
            subscribed = subscriptions.get(slot);
            if (subscribed == null || subscribed.isCompletedExceptionally()) {
                subscribed = connection.async().ssubscribe(channel(slot)).toCompletableFuture();
                subscriptions.put(slot, subscribed);
            }
        } finally {
            lock.unlock();
        }
        try {
            subscribed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unlisten(slot);
            throw new LockBackendException("Interrupted while subscribing to releases", e);
        } catch (ExecutionException | TimeoutException e) {
            unlisten(slot);
            throw new LockBackendException("Redis SSUBSCRIBE of the release channel for slot " + slot
                    + " failed or went unanswered within " + timeout + ": " + e, e);
        }
    }

    /** One waiter of {@code slot} left; the last one drops the channel. */
    void unlisten(int slot) {
        lock.lock();
        try {
            Integer left = listenersBySlot.computeIfPresent(slot, (s, count) -> count > 1 ? count - 1 : null);
            if (left == null && subscriptions.remove(slot) != null && !closed) {
                connection.async().sunsubscribe(channel(slot));
            }
        } finally {
            lock.unlock();
        }
    }

    /** For health. */
    String describe() {
        lock.lock();
        try {
            return "sharded, " + subscriptions.size() + " slot channel(s) on " + channelPrefix + ":{...}";
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            subscriptions.clear();
            listenersBySlot.clear();
        } finally {
            lock.unlock();
        }
        connection.closeAsync();
    }

    private byte[] channel(int slot) {
        return (channelPrefix + channelSuffix(slot)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Each SSUBSCRIBE is confirmed here, ours and Lettuce's after a reconnect. After a reconnect
     * Redis may have lost the interests, and releases in the gap were missed: re-register them and
     * wake the waiters of that slot.
     */
    private void resubscribedOrConfirmed(String channel) {
        int slot = EncodedKeyLayout.slotOf(channel);
        boolean again;
        lock.lock();
        try {
            CompletableFuture<Void> first = subscriptions.get(slot);
            again = first != null && first.isDone();
        } finally {
            lock.unlock();
        }
        if (again) {
            onResubscribed.run();
        }
        waiters.wakeAll(key -> RedisDeployment.slotOf(key) == slot);
    }

    /** Redis drops a shard channel whose slot moved to another node: subscribe again, Lettuce routes it anew. */
    private void droppedByServer(String channel) {
        lock.lock();
        try {
            for (Map.Entry<Integer, CompletableFuture<Void>> entry : subscriptions.entrySet()) {
                if (channel.equals(channelPrefix + channelSuffix(entry.getKey())) && !closed) {
                    log.debug("Redis dropped the release channel {} (its slot moved?); subscribing again", channel);
                    entry.setValue(connection.async().ssubscribe(channel(entry.getKey())).toCompletableFuture());
                }
            }
        } finally {
            lock.unlock();
        }
        waiters.wakeAll();
    }
}
