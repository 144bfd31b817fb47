package dev.distlock.zookeeper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.BackendCapabilities;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.LeaseLossSignals;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.ReleaseNotifications;
import dev.distlock.zookeeper.LockNodeStore.CreatedNode;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Locks on ZooKeeper, the classic recipe written on Curator's framework.
 *
 * <p>Each acquisition creates an EPHEMERAL_SEQUENTIAL node under {@code /<base>/<encoded key>} (a
 * CONTAINER node, reaped by the server once empty); the node with the lowest sequence holds the
 * lock, the others queue in sequence order, so grants are fair. A denied owner watches only the node
 * just ahead of it. The node lives as long as our ZooKeeper session: a crashed or cut-off holder
 * loses the lock when the server expires its session, not at a TTL.
 *
 * <p>Fencing token: the node's {@code czxid}, the transaction id of its creation. Zxids are issued
 * by the ensemble's leader in one total order ({@code epoch << 32 | counter}) and never repeat, so a
 * later grant of a key (whose node was necessarily created after the previous holder's node) has a
 * larger token, even when the key's parent was emptied, reaped and created again, when its
 * sequence counter restarts at zero.
 *
 * <p>An unfair request ({@code fair = false}) does not stay in the queue when denied: it deletes its
 * node at once, so that a caller that gives up without {@link #withdraw} leaves nothing behind.
 */
public final class ZooKeeperLockBackend implements LockBackend, ReleaseNotifications, LeaseLossSignals {

    private static final Logger log = LoggerFactory.getLogger(ZooKeeperLockBackend.class);
    private static final BackendCapabilities CAPABILITIES =
            new BackendCapabilities(true, BackendCapabilities.FencingStrength.STRONG);
    /**
     * How long {@link #close()} waits for the server to confirm the end of our session. A healthy one
     * answers in milliseconds; an unreachable one would hold shutdown until the client's read
     * timeout (2/3 of the session timeout, 20 s by default), and the session expires there anyway.
     */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(1);
    /** Our node vanishing under us this often in one call means something is wrong, not a race. */
    private static final int MAX_RECREATES = 3;

    private final LockNodeStore store;
    private final LockNodeNames names;
    private final boolean ownsClient;
    private final ReleaseWaiters waiters = new ReleaseWaiters();
    private final SessionStateSignals sessionSignals;
    /** The node of each owner that has one (holding or queued), created through this backend. */
    private final ConcurrentMap<LockId, CreatedNode> nodes = new ConcurrentHashMap<>();
    /** Creates that failed without an answer: their node may exist anyway, and is deleted in the background. */
    private final UnansweredCreates unanswered;
    private final AtomicLong attempts = new AtomicLong();

    /**
     * A backend on the application's own client, which must be started; it is not closed by
     * {@link #close()}.
     *
     * @param basePath parent of the lock nodes, within the client's namespace
     */
    public ZooKeeperLockBackend(CuratorFramework client, String basePath) {
        this(client, basePath, false);
    }

    private ZooKeeperLockBackend(CuratorFramework client, String basePath, boolean ownsClient) {
        Objects.requireNonNull(client, "client");
        if (client.getState() != CuratorFrameworkState.STARTED) {
            throw new IllegalArgumentException("The CuratorFramework given to the ZooKeeper lock backend is "
                    + client.getState() + ": start it (client.start()) before creating the backend");
        }
        this.store = new LockNodeStore(client);
        this.unanswered = new UnansweredCreates(store);
        this.names = new LockNodeNames(basePath);
        this.ownsClient = ownsClient;
        this.sessionSignals = new SessionStateSignals(this::forgetSession, waiters);
        client.getConnectionStateListenable().addListener(sessionSignals);
    }

    /** A backend with its own Curator client, built from {@code settings} and closed with the backend. */
    public static ZooKeeperLockBackend create(ZooKeeperSettings settings) {
        CuratorFramework client = CuratorClients.start(settings);
        try {
            return new ZooKeeperLockBackend(client, settings.basePath(), true);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "zookeeper";
    }

    @Override
    public BackendCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public AcquireResult tryAcquire(AcquireRequest request) {
        LockId id = new LockId(request.key(), request.owner());
        String parent = names.keyPath(request.key());
        unanswered.deleteNow(id); // an old node of this owner would stand ahead of its new one
        CreatedNode mine = nodes.get(id); // present: we queue, or this is a retry of a grant
        int recreated = 0;
        boolean synced = false;
        while (true) {
            if (mine == null) {
                mine = createNode(id, parent);
            }
            List<String> queue = withoutStrays(store.queue(parent), mine, parent);
            int index = queue.indexOf(mine.name());
            if (index < 0) { // our node is gone (session expired or deleted by hand): queue again
                nodes.remove(id, mine);
                mine = null;
                if (++recreated > MAX_RECREATES) {
                    throw new LockBackendException("ZooKeeper: the lock node for '" + request.key()
                            + "' kept disappearing; is something deleting nodes under " + names.basePath() + "?");
                }
                continue;
            }
            if (index == 0) {
                return AcquireResult.granted(mine.czxid());
            }
            if (!synced) {
                // Before saying no, make sure the nodes ahead of us are not already gone on the
                // leader: a release by another client may not have reached our server yet.
                store.sync(parent);
                synced = true;
                continue;
            }
            if (!request.fair()) {
                // Unfair: do not queue. Watch the holder, and ask the caller to come back if it left already.
                nodes.remove(id, mine);
                store.delete(mine.path(), mine.version());
                if (!store.watchIfExists(parent + "/" + queue.get(0), waiters.watcherFor(id))) {
                    waiters.wake(id);
                }
                return AcquireResult.denied();
            }
            if (store.watchIfExists(parent + "/" + queue.get(index - 1), waiters.watcherFor(id))) {
                return AcquireResult.denied();
            }
            // Our predecessor left between the listing and the watch: the queue only shrinks ahead
            // of a fair node, so looking again ends.
        }
    }

    @Override
    public boolean renew(String key, String owner, Duration ttl) {
        // A session, not a TTL, bounds our node's life; the engine's lease bounds the holder's time.
        // So renewing is checking that our very node (same czxid) is still there, as the leader
        // sees it: our own server may be a follower that lost the leader and serves stale reads.
        CreatedNode mine = nodes.get(new LockId(key, owner));
        if (mine == null) {
            return false;
        }
        Stat stat = store.statConfirmedByLeader(mine.path());
        return stat != null && stat.getCzxid() == mine.czxid();
    }

    @Override
    public boolean release(String key, String owner) {
        LockId id = new LockId(key, owner);
        CreatedNode mine = nodes.remove(id);
        if (mine == null) {
            return false;
        }
        // Version-guarded: only the node we created, in the state we created it, is deleted. The
        // deletion itself wakes the one waiter that watches it.
        return store.delete(mine.path(), mine.version());
    }

    @Override
    public void withdraw(String key, String owner) {
        LockId id = new LockId(key, owner);
        try {
            unanswered.deleteNow(id);
            CreatedNode mine = nodes.remove(id);
            if (mine != null) {
                store.delete(mine.path(), mine.version());
            }
        } catch (LockBackendException e) {
            // Both the guaranteed delete and the clean-up of unanswered creates go on in the
            // background while the session lives.
            log.debug("Could not withdraw {} from {} now", owner, key, e);
        }
    }

    @Override
    public Subscription subscribe(String key, String owner, Runnable onChange) {
        return waiters.subscribe(new LockId(key, owner), onChange);
    }

    @Override
    public void setLeaseLossListener(LeaseLossListener listener) {
        sessionSignals.setListener(listener);
    }

    @Override
    public BackendHealth health() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("basePath", names.basePath());
        details.put("nodes", nodes.size());
        details.put("unansweredCreates", unanswered.size());
        return store.health(details);
    }

    @Override
    public void close() {
        CuratorFramework client = store.client();
        client.getConnectionStateListenable().removeListener(sessionSignals);
        waiters.clear();
        unanswered.close(ownsClient);
        if (ownsClient) {
            closeWithin(client, CLOSE_WAIT); // ends the session: the server deletes all our nodes at once
            return;
        }
        // The application's session outlives us: delete what we still hold or queue for.
        for (CreatedNode node : new ArrayList<>(nodes.values())) {
            try {
                store.deleteInBackground(node.path());
            } catch (LockBackendException e) {
                log.debug("Could not delete {} on close", node.path(), e);
            }
        }
        nodes.clear();
    }

    /** Closes {@code client} on a thread of its own, waiting for it at most {@code wait}. */
    private static void closeWithin(CuratorFramework client, Duration wait) {
        Thread closer = new Thread(client::close, "distlock-zookeeper-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closer.isAlive()) {
            log.warn("ZooKeeper did not confirm the end of the session within {}; the client goes on closing in the "
                    + "background, and the server deletes our lock nodes when the session expires", wait);
        }
    }

    private CreatedNode createNode(LockId id, String parent) {
        String prefix = LockNodeNames.attemptPrefix(id.owner(), attempts.incrementAndGet());
        CreatedNode created;
        try {
            created = store.createEphemeralSequential(parent, prefix, id.owner().getBytes(StandardCharsets.UTF_8));
        } catch (LockBackendException e) {
            // The server may have created the node and only the answer was lost: it is deleted in
            // the background, found by its attempt prefix, whether or not this owner calls again.
            unanswered.remember(id, parent, prefix);
            throw e;
        }
        nodes.put(id, created);
        if (Thread.currentThread().isInterrupted()) {
            // Our caller stopped waiting (the engine's deadline) as the answer came: it will not hear
            // of this node, so the node must not stay queued in its name. (Put first, then checked: a
            // release sent after the caller gave up finds the node in one place or the other.)
            nodes.remove(id, created);
            unanswered.remember(id, parent, prefix);
            throw new LockBackendException("ZooKeeper: the lock node " + created.path()
                    + " was created after its caller had stopped waiting; it is deleted again");
        }
        return created;
    }

    /**
     * Drops nodes that a create retried by Curator after a connection loss made twice: same attempt
     * prefix as ours, other name. They would otherwise sit in the queue for as long as our session.
     */
    private List<String> withoutStrays(List<String> queue, CreatedNode mine, String parent) {
        String prefix = LockNodeNames.attemptPrefixOf(mine.name());
        List<String> strays = queue.stream()
                .filter(name -> name.startsWith(prefix) && !name.equals(mine.name()))
                .toList();
        if (strays.isEmpty()) {
            return queue;
        }
        strays.forEach(stray -> store.deleteInBackground(parent + "/" + stray));
        List<String> rest = new ArrayList<>(queue);
        rest.removeAll(strays);
        return rest;
    }

    /** The session is gone, and every node with it: nothing we remember is ours any more. */
    private void forgetSession() {
        nodes.clear();
        unanswered.forgetAll();
    }
}
