package dev.distlock.zookeeper;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import dev.distlock.spi.LockBackendException;
import org.apache.curator.RetryLoop;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.CreateOptions;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;

/**
 * The writes of the lock recipe, on Curator (which retries on connection loss per its retry policy):
 * creating holder and queue nodes, owner-checked deletes and the hand-over's transaction; the reads
 * are {@link LockNodeReads}'. A clear answer of the server (node exists, no such node, bad version) is
 * a return value; anything else becomes a {@link LockBackendException}.
 */
final class LockNodeStore {

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
     * {@link #deleteInSession} of one node, sent without blocking the caller: the answer completes the
     * future on the client's event thread. No retry after a lost connection (the future fails then),
     * so callers send only while connected ({@link #connected()}) and leave the node to the
     * background clean-up when it fails.
     *
     * @return completes with false when the node was gone or changed, or the session has ended
     */
    CompletableFuture<Boolean> dispatchDeleteInSession(long session, CreatedNode node) {
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        ZooKeeper zooKeeper;
        try {
            zooKeeper = client.getZookeeperClient().getZooKeeper();
        } catch (Exception e) {
            throw failure("delete " + node.path(), e);
        }
        if (zooKeeper.getSessionId() != session) {
            answer.complete(false);
            return answer;
        }
        zooKeeper.delete(serverPath(node.path()), node.version(), (rc, path, context) -> {
            KeeperException.Code code = KeeperException.Code.get(rc);
            switch (code) {
                case OK -> answer.complete(true);
                case NONODE, BADVERSION, SESSIONEXPIRED -> answer.complete(false);
                default -> answer.completeExceptionally(failure("delete " + node.path(), KeeperException.create(code, path)));
            }
        }, null);
        return answer;
    }

    /** Whether the client is connected now, so that a request sent without blocking goes out at once. */
    boolean connected() {
        return client.getZookeeperClient().isConnected();
    }

    /**
     * Replaces {@code holder}, a holder node of ours, by a new plain EPHEMERAL node at its path that
     * carries {@code data}: its delete (at the version we created it with) and the create in one
     * transaction, one round trip, sent only in ZooKeeper session {@code session}, as
     * {@link #deleteInSession} is; the new node gets {@code acl}, the one our client gives every node.
     * The key passes from one owner to the next with nobody in between,
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

    static LockBackendException failure(String what, Exception e) {
        if (e instanceof ExecutionException && e.getCause() instanceof Exception cause) {
            e = cause; // the server's answer to a background request
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new LockBackendException("ZooKeeper: could not " + what + ": " + e, e);
    }
}
