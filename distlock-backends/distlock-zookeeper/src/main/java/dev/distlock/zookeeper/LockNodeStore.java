package dev.distlock.zookeeper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.LockBackendException;
import org.apache.curator.RetryLoop;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.curator.framework.api.ExistsBuilder;
import org.apache.curator.framework.api.WatchPathable;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.CreateOptions;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;

/**
 * The ZooKeeper operations of the lock recipe, on Curator (which retries on connection loss per its
 * retry policy). A clear answer of the server (no such node, bad version) is a return value; anything
 * else becomes a {@link LockBackendException}.
 */
final class LockNodeStore {

    /** How long {@link #health} waits for the server to answer a read. */
    private static final long HEALTH_ANSWER_MS = 2_000;

    private final CuratorFramework client;

    LockNodeStore(CuratorFramework client) {
        this.client = client;
    }

    CuratorFramework client() {
        return client;
    }

    /** The id of the client's current ZooKeeper session; 0 while none is established. Never throws. */
    long sessionId() {
        try {
            return client.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }
    }

    /** A node just created, with what its Stat told us: {@code session} is the one it is ephemeral in. */
    record CreatedNode(String path, String name, long czxid, int version, long session) {

        static CreatedNode of(String path, Stat stat) {
            return new CreatedNode(path, path.substring(path.lastIndexOf('/') + 1), stat.getCzxid(), stat.getVersion(),
                    stat.getEphemeralOwner());
        }
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
     * Creates {@code path} as a plain EPHEMERAL node bound to our session, with {@code data}; a
     * missing parent is created as a CONTAINER node. One round trip when the parent exists.
     *
     * @return null when the node exists already (somebody holds the key)
     */
    @Nullable CreatedNode createEphemeral(String path, byte[] data) {
        try {
            return create(path, CreateMode.EPHEMERAL, data);
        } catch (KeeperException.NodeExistsException e) {
            return null;
        }
    }

    /**
     * Creates {@code parent/prefix<sequence>} (a fair waiter's queue node) as an EPHEMERAL_SEQUENTIAL
     * node bound to our session; missing parents are created as CONTAINER nodes, which the server
     * deletes once they are empty again, so distinct keys leave nothing behind.
     */
    CreatedNode createEphemeralSequential(String parent, String prefix, byte[] data) {
        String path = parent + "/" + prefix;
        try {
            return create(path, CreateMode.EPHEMERAL_SEQUENTIAL, data);
        } catch (KeeperException.NodeExistsException e) { // a wrapped sequence number met a node still there
            throw failure("create the lock node " + path, e);
        }
    }

    /**
     * Creates {@code path} in {@code mode}, creating missing parents as CONTAINER nodes.
     *
     * @throws KeeperException.NodeExistsException when a node is there already; any other failure
     *         is a {@link LockBackendException}
     */
    private CreatedNode create(String path, CreateMode mode, byte[] data) throws KeeperException.NodeExistsException {
        // A container can be reaped between Curator creating it and our create: try again, briefly.
        for (int attempt = 1; ; attempt++) {
            try {
                Stat stat = new Stat();
                String created = client.create()
                        .storingStatIn(stat)
                        .creatingParentContainersIfNeeded()
                        .withMode(mode)
                        .forPath(path, data);
                return CreatedNode.of(created, stat);
            } catch (KeeperException.NodeExistsException e) {
                throw e;
            } catch (KeeperException.NoNodeException e) {
                if (attempt == 3) {
                    throw failure("create the lock node " + path, e);
                }
            } catch (Exception e) {
                throw failure("create the lock node " + path, e);
            }
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
     * Deletes {@code nodes} (each at the version we created it with) in one transaction, one round
     * trip, sent only in ZooKeeper session {@code session}, the one they are ephemeral in. That is
     * what makes the delete of a holder node owner-checked: its path is the key's, and another
     * holder's node there has the same version 0; but while our session lives, the node at the path
     * is the one we created (nobody else can delete it, so nobody else can create one there), and
     * once our session has ended the request is never sent. Curator's retry policy covers a lost
     * connection; every retry checks the session again.
     *
     * @return false when a node was gone or changed, or the session has ended (its nodes went with it)
     */
    boolean deleteInSession(long session, CreatedNode... nodes) {
        try {
            return RetryLoop.callWithRetry(client.getZookeeperClient(), () -> {
                ZooKeeper zooKeeper = client.getZookeeperClient().getZooKeeper();
                if (zooKeeper.getSessionId() != session) {
                    return false;
                }
                if (nodes.length == 1) {
                    zooKeeper.delete(serverPath(nodes[0].path()), nodes[0].version());
                } else {
                    List<Op> deletes = new ArrayList<>(nodes.length);
                    for (CreatedNode node : nodes) {
                        deletes.add(Op.delete(serverPath(node.path()), node.version()));
                    }
                    zooKeeper.multi(deletes);
                }
                return true;
            });
        } catch (KeeperException.NoNodeException | KeeperException.BadVersionException
                 | KeeperException.SessionExpiredException e) {
            return false;
        } catch (Exception e) {
            throw failure("delete " + nodes[0].path(), e);
        }
    }

    /**
     * Replaces {@code holder}, a holder node of ours, by a new plain EPHEMERAL node at its path that
     * carries {@code data}: its delete (at the version we created it with) and the create in one
     * transaction, one round trip, sent only in ZooKeeper session {@code session}, as
     * {@link #deleteInSession} is; the new node gets {@code acl}, the one our client gives every node. The key passes from one owner to the next with nobody in between,
     * and the new node's czxid, the next owner's fencing token, is that transaction's.
     *
     * @return the new node, or null when ours was gone or changed or the session has ended (then
     *         nothing changed, unless a retry after a lost connection follows a transaction that was
     *         made: the new node is then there, in our session, with {@code data})
     */
    @Nullable CreatedNode replaceInSession(long session, CreatedNode holder, byte[] data, List<ACL> acl) {
        try {
            return RetryLoop.callWithRetry(client.getZookeeperClient(), () -> {
                ZooKeeper zooKeeper = client.getZookeeperClient().getZooKeeper();
                if (zooKeeper.getSessionId() != session) {
                    return null;
                }
                String path = serverPath(holder.path());
                List<OpResult> results = zooKeeper.multi(List.of(Op.delete(path, holder.version()),
                        Op.create(path, data, CreateOptions.newBuilder(acl, CreateMode.EPHEMERAL).build())));
                return CreatedNode.of(holder.path(), ((OpResult.CreateResult) results.get(1)).getStat());
            });
        } catch (KeeperException.NoNodeException | KeeperException.BadVersionException
                 | KeeperException.SessionExpiredException e) {
            return null;
        } catch (Exception e) {
            throw failure("hand over " + holder.path(), e);
        }
    }

    /**
     * {@code path} as the server knows it: Curator's paths are within the client's namespace, the
     * plain ZooKeeper handle's are not.
     */
    private String serverPath(String path) {
        return ZKPaths.fixForNamespace(client.getNamespace(), path);
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

    /**
     * Deletes {@code path} if it still has {@code version}. Guaranteed: when the connection fails,
     * Curator keeps deleting in the background for as long as the session lives.
     *
     * @return false when the node was already gone or changed
     */
    boolean delete(String path, int version) {
        try {
            client.delete().guaranteed().withVersion(version).forPath(path);
            return true;
        } catch (KeeperException.NoNodeException | KeeperException.BadVersionException e) {
            return false;
        } catch (Exception e) {
            throw failure("delete " + path, e);
        }
    }

    /** Deletes whatever version {@code path} has, in the background; for leftovers of our own. */
    void deleteInBackground(String path) {
        try {
            client.delete().guaranteed().inBackground().forPath(path);
        } catch (Exception e) {
            throw failure("delete " + path, e);
        }
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

    private static LockBackendException failure(String what, Exception e) {
        if (e instanceof ExecutionException && e.getCause() instanceof Exception cause) {
            e = cause; // the server's answer to a background request
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new LockBackendException("ZooKeeper: could not " + what + ": " + e, e);
    }
}
