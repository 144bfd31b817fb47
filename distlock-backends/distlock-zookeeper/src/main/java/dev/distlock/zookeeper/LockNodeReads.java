package dev.distlock.zookeeper;

import static dev.distlock.zookeeper.LockNodeStore.failure;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.LockBackendException;
import dev.distlock.zookeeper.LockNodeStore.CreatedNode;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.curator.framework.api.ExistsBuilder;
import org.apache.curator.framework.api.WatchPathable;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;

/**
 * The reads of the lock recipe, on Curator: a key's holder node and its queue, watched or not,
 * single or pipelined, and those that must see the leader's latest commit (a sync first). The writes
 * are {@link LockNodeStore}'s. No such node is a return value; any other failure a
 * {@link LockBackendException}.
 */
final class LockNodeReads {

    /** How long {@link #health} waits for the server to answer a read. */
    private static final long HEALTH_ANSWER_MS = 2_000;


    private final CuratorFramework client;

    LockNodeReads(CuratorFramework client) {
        this.client = client;
    }

    /** A key's holder node as read: its data (the holder's owner id) and Stat. */
    record HolderNode(String path, byte[] owner, Stat stat) {

        /** The node of {@code owner} in our live {@code session}: a create of ours whose answer we did not see. */
        boolean isOf(String owner, long session) {
            return session != 0 && stat.getEphemeralOwner() == session
                    && new String(this.owner, StandardCharsets.UTF_8).equals(owner);
        }

        CreatedNode asCreated() {
            return CreatedNode.of(path, stat);
        }
    }

    /**
     * Reads the holder node {@code path}, leaving {@code watcher} on it atomically with the read, so
     * that its deletion (the holder's release or expiry) wakes us.
     *
     * @return null when there is no such node (no watch is left then)
     */
    @Nullable HolderNode watchHolder(String path, Watcher watcher) {
        return readHolder(path, watcher);
    }

    /** The holder node {@code path} as of the leader's latest commit, or null when it does not exist. */
    @Nullable HolderNode holderConfirmedByLeader(String path) {
        sync(path);
        return readHolder(path, null);
    }

    private @Nullable HolderNode readHolder(String path, @Nullable Watcher watcher) {
        try {
            Stat stat = new Stat();
            WatchPathable<byte[]> read = client.getData().storingStatIn(stat);
            byte[] data = (watcher == null ? read : read.usingWatcher(watcher)).forPath(path);
            return new HolderNode(path, data == null ? new byte[0] : data, stat);
        } catch (KeeperException.NoNodeException e) {
            return null;
        } catch (Exception e) {
            throw failure("read " + path, e);
        }
    }

    /**
     * The children of {@code parent}, in queue order; empty when the parent does not exist. Nodes
     * numbered past the parent's counter limit (see {@link ZooKeeperKeyLayout}) cost one read each, for
     * their czxid; a busy key only has them after two billion creates without once being emptied.
     */
    List<String> queue(String parent) {
        List<String> children;
        try {
            children = client.getChildren().forPath(parent);
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        } catch (Exception e) {
            throw failure("list the lock nodes under " + parent, e);
        }
        children.sort(ZooKeeperKeyLayout.QUEUE_ORDER);
        int first = (int) children.stream().filter(name -> !ZooKeeperKeyLayout.pastCounterLimit(name)
                && ZooKeeperKeyLayout.sequence(name) != null).count();
        int end = first + (int) children.stream().filter(ZooKeeperKeyLayout::pastCounterLimit).count();
        if (end - first > 1) {
            orderByCreation(parent, children.subList(first, end));
        }
        return children;
    }

    /** Sorts {@code names} by czxid, the order in which the leader created them; drops those gone meanwhile. */
    private void orderByCreation(String parent, List<String> names) {
        List<@Nullable Stat> stats = stats(names.stream().map(name -> parent + "/" + name).toList());
        Map<String, Long> czxids = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            Stat stat = stats.get(i);
            if (stat != null) {
                czxids.put(names.get(i), stat.getCzxid());
            }
        }
        names.retainAll(czxids.keySet());
        names.sort(Comparator.comparingLong(czxids::get));
    }

    /**
     * Brings our server up to date with the leader before the next read: ZooKeeper reads are
     * served by the server a client is connected to and may lag behind writes made by other
     * clients through other servers. After a sync, a read sees every write committed before it.
     */
    void sync(String path) {
        CompletableFuture<@Nullable Stat> done = new CompletableFuture<>();
        try {
            client.sync().inBackground(answerTo(done, path)).forPath(path);
            done.get(connectionTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw failure("sync " + path, e);
        }
    }

    /**
     * Leaves {@code watcher} on {@code path} if it exists, atomically with the check.
     *
     * @return false when the node is already gone (no watch is left then)
     */
    boolean watchIfExists(String path, Watcher watcher) {
        return exists(path, watcher) != null;
    }

    /** The node's Stat, or null when it does not exist. */
    @Nullable Stat stat(String path) {
        return exists(path, null);
    }

    private @Nullable Stat exists(String path, @Nullable Watcher watcher) {
        try {
            ExistsBuilder check = client.checkExists();
            return (watcher == null ? check : check.usingWatcher(watcher)).forPath(path);
        } catch (Exception e) {
            throw failure("read " + path, e);
        }
    }

    /**
     * The Stats of {@code paths} as of the leader's latest commit, at the cost of two round trips:
     * one sync, then every read sent at once and the answers awaited together. A plain read is
     * answered by whichever server we talk to, and a follower cut off from the leader goes on
     * answering from its stale copy while the leader expires our session and hands our lock to
     * somebody else. The sync goes through the leader: a cut-off follower cannot answer it (the call
     * fails), and a connected one has applied everything committed before it, our session's expiry
     * and the deletion of our node included, before it answers the reads that follow. The reads go
     * out only once the sync has answered: Curator re-sends a request after a lost connection,
     * possibly to another server, and a read sent alongside the sync could then be answered before it.
     *
     * @return one Stat per path, in order, null where there is no such node
     */
    List<@Nullable Stat> statsConfirmedByLeader(List<String> paths) {
        sync(paths.get(0));
        return stats(paths);
    }

    /** The Stats of {@code paths} (null: no such node), all read at once. */
    List<@Nullable Stat> stats(List<String> paths) {
        return stats(paths, connectionTimeoutMs());
    }

    private List<@Nullable Stat> stats(List<String> paths, long timeoutMs) {
        List<CompletableFuture<@Nullable Stat>> answers = new ArrayList<>(paths.size());
        try {
            for (String path : paths) {
                CompletableFuture<@Nullable Stat> answer = new CompletableFuture<>();
                answers.add(answer);
                client.checkExists().inBackground(answerTo(answer, path)).forPath(path);
            }
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw failure("read " + paths.size() + " lock nodes", e);
        }
        return answers.stream().map(CompletableFuture::join).toList();
    }

    /**
     * Completes {@code answer} with the event's Stat (null for no such node, and for a sync) when the
     * server answered OK or NONODE, else with the server's error.
     */
    private static BackgroundCallback answerTo(CompletableFuture<@Nullable Stat> answer, String path) {
        return (client, event) -> {
            int rc = event.getResultCode();
            if (rc == KeeperException.Code.OK.intValue() || rc == KeeperException.Code.NONODE.intValue()) {
                answer.complete(event.getStat());
            } else {
                answer.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), path));
            }
        };
    }

    private long connectionTimeoutMs() {
        return client.getZookeeperClient().getConnectionTimeoutMs();
    }

    /** Connected, and the server answers within 2 s (a starting client gets 1 s to connect). Never throws. */
    BackendHealth health(Map<String, Object> details) {
        try {
            details.put("connectString", client.getZookeeperClient().getCurrentConnectionString());
            if (!client.getZookeeperClient().isConnected() && !client.blockUntilConnected(1, TimeUnit.SECONDS)) {
                return BackendHealth.down("not connected to ZooKeeper", details);
            }
            details.put("sessionId", Long.toHexString(client.getZookeeperClient().getZooKeeper().getSessionId()));
            try {
                stats(List.of("/"), HEALTH_ANSWER_MS);
            } catch (LockBackendException e) {
                return BackendHealth.down("ZooKeeper did not answer within 2s", details);
            }
            return BackendHealth.up(details);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return BackendHealth.down("interrupted", details);
        } catch (Exception e) {
            return BackendHealth.down("ZooKeeper: " + e, details);
        }
    }

}
