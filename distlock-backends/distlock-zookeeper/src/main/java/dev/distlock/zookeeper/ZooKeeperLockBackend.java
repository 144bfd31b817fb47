package dev.distlock.zookeeper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.BackendCapabilities;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.DispatchingBackend;
import dev.distlock.spi.KeyHandOver;
import dev.distlock.spi.LeaseLimits;
import dev.distlock.spi.LeaseLossSignals;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.ReleaseNotifications;
import dev.distlock.spi.ReleaseOutcome;
import dev.distlock.spi.RenewRequest;
import dev.distlock.spi.RenewResult;
import dev.distlock.spi.support.WaiterRegistry;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Locks on ZooKeeper, on Curator's framework.
 *
 * <p>Whoever holds a key holds its node {@code /<base>/<encoded key>}, a plain EPHEMERAL node that
 * only one session can create, fair or not: an unfair acquisition is one create, a denial the
 * failed create and a read that watches the node, a release one delete. Fair waiters queue as
 * EPHEMERAL_SEQUENTIAL nodes under {@code /<base>/<encoded key>~queue} (a CONTAINER node, reaped
 * by the server once empty), each watching the node just ahead of its own; the first in line
 * creates the holder node once it is gone (see {@link AcquireAttempt}). The nodes live as long as
 * the ZooKeeper session they were created in: a crashed or cut-off holder loses the lock when the
 * server expires that session, not at a TTL. So that this happens one lease after the holder was
 * last heard of, each lease length has a session of its own whose timeout is the lease
 * ({@link LeaseSessions}); the session's heartbeats are what keeps a live holder's lock, and a
 * renewal checks that its node is still there.
 *
 * <p>Fencing token: the holder node's {@code czxid}, the transaction id of its creation. Every
 * holder creates the node anew, and zxids are issued by the ensemble's leader in one total order
 * ({@code epoch << 32 | counter}) and never repeat, so a later grant of a key has a larger token.
 *
 * <p>Release and withdrawal are owner-checked: a delete names the version we created the node with
 * and is sent only in the session the node lives in ({@link LockNodeStore#deleteInSession}).
 */
public final class ZooKeeperLockBackend
        implements LockBackend, ReleaseNotifications, KeyHandOver, LeaseLossSignals, LeaseLimits, DispatchingBackend {

    private static final Logger log = LoggerFactory.getLogger(ZooKeeperLockBackend.class);
    private static final BackendCapabilities CAPABILITIES =
            new BackendCapabilities(true, BackendCapabilities.FencingStrength.STRONG);
    /**
     * How long {@link #close()} waits for the server to confirm the end of our session. A healthy one
     * answers in milliseconds; an unreachable one would hold shutdown until the client's read
     * timeout (2/3 of the session timeout, 20 s by default), and the session expires there anyway.
     */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(1);

    private final ZooKeeperKeyLayout names;
    private final WaiterRegistry<LockId> waiters = new WaiterRegistry<>();
    private final LeaseSessions sessions;
    private final OwnedNodes nodes = new OwnedNodes();
    private final NodeCreates creates = new NodeCreates(nodes);
    private volatile LeaseLossListener listener = SessionStateSignals.NOBODY;
    /**
     * The ACL our own clients give every node, for the hand-over's create on the plain ZooKeeper
     * handle; null on an application's client, whose ACL provider is its own: a hand-over there is a
     * release and the next owner's attempt.
     */
    private final @Nullable List<ACL> nodeAcl;

    /**
     * A backend on the application's own client, which must be started; it is not closed by
     * {@link #close()}.
     *
     * @param basePath parent of the lock nodes, within the client's namespace
     */
    public ZooKeeperLockBackend(CuratorFramework client, String basePath) {
        Objects.requireNonNull(client, "client");
        if (client.getState() != CuratorFrameworkState.STARTED) {
            throw new IllegalArgumentException("The CuratorFramework given to the ZooKeeper lock backend is "
                    + client.getState() + ": start it (client.start()) before creating the backend");
        }
        this.names = new ZooKeeperKeyLayout(basePath);
        this.sessions = LeaseSessions.shared(client, this::signalsOf);
        this.nodeAcl = null;
    }

    private ZooKeeperLockBackend(ZooKeeperSettings settings) {
        this.names = new ZooKeeperKeyLayout(settings.basePath());
        this.nodeAcl = CuratorClients.acl(settings.nodeAcl());
        this.sessions = LeaseSessions.own(lease -> CuratorClients.start(settings, lease), settings.sessionTimeout(),
                this::signalsOf);
    }

    /**
     * A backend with its own Curator clients, built from {@code settings} and closed with the backend:
     * one session per lease length in use, whose session timeout is that lease.
     */
    public static ZooKeeperLockBackend create(ZooKeeperSettings settings) {
        return new ZooKeeperLockBackend(settings);
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
        LeaseSession session = sessions.enter(request.ttl(), this::holdsNodes);
        try {
            return new AcquireAttempt(request, session, names, nodes, creates, waiters).run();
        } finally {
            session.exit();
        }
    }

    /** {@link #renewAll} of this one lease: one sync and one read, two round trips. */
    /**
     * One transaction that deletes our holder node and creates the next owner's at its path
     * ({@link LockNodeStore#replaceInSession}), where both leases live in one session (the same
     * lease length), the releaser holds the key through the holder node alone (an unfair grant) and
     * the backend has its own clients ({@link #nodeAcl}). Otherwise, and when our node was gone, a
     * release and the next owner's usual attempt.
     */
    @Override
    public AcquireResult handOver(String key, String owner, AcquireRequest next) {
        LockId id = new LockId(key, owner);
        OwnedNodes.OwnedNode mine = nodes.get(id);
        LeaseSession session = sessions.enter(next.ttl(), this::holdsNodes);
        try {
            if (nodeAcl == null || mine == null || !mine.holds() || mine.queued() != null || mine.session() != session) {
                release(key, owner);
                return tryAcquire(next);
            }
            if (!nodes.remove(id, mine)) {
                return tryAcquire(next); // released meanwhile
            }
            LockId nextId = new LockId(key, next.owner());
            LockNodeStore.CreatedNode created;
            try {
                created = session.store().replaceInSession(mine.holder().session(), mine.holder(), NodeCreates.ownerData(nextId), nodeAcl);
            } catch (LockBackendException e) {
                // Made or not: whichever of the two owners' node is there is deleted in the background.
                session.unanswered().rememberHolder(id, mine.holder().path());
                session.unanswered().rememberHolder(nextId, mine.holder().path());
                throw e;
            }
            if (created == null) {
                return tryAcquire(next); // ours was gone (or a retried transaction made it: the attempt finds it ours)
            }
            nodes.holding(nextId, created, null, session);
            return AcquireResult.granted(created.czxid());
        } finally {
            session.exit();
        }
    }

    @Override
    public boolean renew(String key, String owner, Duration ttl) {
        return renewAll(List.of(new RenewRequest(key, owner, ttl))).get(0).extended();
    }

    /**
     * A session, not a TTL, bounds our node's life; the engine's lease bounds the holder's time. So
     * renewing is checking that our very node (same czxid) is still there, as the leader sees it: our
     * own server may be a follower that lost the leader and serves stale reads. Two round trips per
     * session the leases' nodes live in rather than two per lease: one sync, then the reads of all
     * their nodes at once.
     */
    @Override
    public List<RenewResult> renewAll(List<RenewRequest> requests) {
        LockNodeStore.@Nullable CreatedNode[] holders = new LockNodeStore.CreatedNode[requests.size()];
        Map<LeaseSession, List<Integer>> bySession = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            RenewRequest request = requests.get(i);
            OwnedNodes.OwnedNode mine = nodes.get(new LockId(request.key(), request.owner()));
            if (mine != null && mine.holds()) {
                sessions.requireWithin(request.ttl(), mine.session());
                holders[i] = mine.holder();
                bySession.computeIfAbsent(mine.session(), session -> new ArrayList<>()).add(i);
            }
        }
        RenewResult[] results = new RenewResult[requests.size()];
        Arrays.fill(results, RenewResult.refused());
        bySession.keySet().forEach(LeaseSession::enter);
        try {
            for (Map.Entry<LeaseSession, List<Integer>> inSession : bySession.entrySet()) {
                List<Integer> indexes = inSession.getValue();
                List<@Nullable Stat> stats = inSession.getKey().reads()
                        .statsConfirmedByLeader(indexes.stream().map(i -> holders[i].path()).toList());
                for (int n = 0; n < indexes.size(); n++) {
                    int i = indexes.get(n);
                    Stat stat = stats.get(n);
                    if (stat != null && stat.getCzxid() == holders[i].czxid()) {
                        results[i] = RenewResult.renewed();
                    }
                }
            }
        } finally {
            bySession.keySet().forEach(LeaseSession::exit);
        }
        return Arrays.asList(results);
    }

    @Override
    public boolean release(String key, String owner) {
        LockId id = new LockId(key, owner);
        OwnedNodes.OwnedNode mine = nodes.get(id);
        if (mine == null) {
            return false;
        }
        mine.session().enter(); // before the node is forgotten: its session is not idle
        try {
            if (!nodes.remove(id, mine)) {
                return false;
            }
            // One owner-checked delete of the holder node (and of our queue node, if we waited in
            // line), in the session they live in. The deletion itself wakes the waiters that watch
            // them (see WakeUpWatcher).
            return OwnedNodes.delete(id, mine) && mine.holds();
        } finally {
            mine.session().exit();
        }
    }

    /**
     * An attempt's steps wait on each other (the create, then the watch, and the recovery of
     * unanswered creates before them): it runs on a store-call thread.
     */
    @Override
    public @Nullable CompletableFuture<AcquireResult> dispatchAcquire(AcquireRequest request) {
        return null;
    }

    /**
     * {@link #release} of an unfair holder, sent from the caller's thread: the same owner-checked
     * delete in the node's session, one round trip, whose answer arrives on the client's event thread,
     * so that the engine needs no store-call thread for it. Null (the blocking release) for a fair
     * holder's two nodes and while the client is not connected (the blocking delete retries through a
     * lost connection; this one fails, and leaves the node to the background clean-up).
     */
    @Override
    public @Nullable CompletableFuture<ReleaseOutcome> dispatchRelease(String key, String owner) {
        LockId id = new LockId(key, owner);
        OwnedNodes.OwnedNode mine = nodes.get(id);
        if (mine == null) {
            return CompletableFuture.completedFuture(ReleaseOutcome.NOT_HELD);
        }
        LeaseSession session = mine.session();
        if (!mine.holds() || mine.queued() != null || !session.store().connected()) {
            return null;
        }
        session.enter(); // before the node is forgotten: its session is not idle
        CompletableFuture<Boolean> deleted;
        try {
            if (!nodes.remove(id, mine)) {
                session.exit();
                return CompletableFuture.completedFuture(ReleaseOutcome.NOT_HELD);
            }
            deleted = session.store().dispatchDeleteInSession(mine.holder().session(), mine.holder());
        } catch (RuntimeException e) {
            session.unanswered().rememberHolder(id, mine.holder().path());
            session.exit();
            throw e;
        }
        return deleted.handle((released, failure) -> {
            session.exit();
            if (failure != null) {
                // Made or not: our node, if it is there, is deleted in the background while the session lives.
                session.unanswered().rememberHolder(id, mine.holder().path());
                throw failure instanceof RuntimeException e ? e : new LockBackendException("ZooKeeper: " + failure, failure);
            }
            return ReleaseOutcome.of(released);
        });
    }

    @Override
    public void withdraw(String key, String owner) {
        LockId id = new LockId(key, owner);
        try {
            for (LeaseSession session : sessions.all()) {
                creates.clearUnanswered(session, id);
            }
            OwnedNodes.OwnedNode mine = nodes.remove(id);
            if (mine != null) {
                OwnedNodes.delete(id, mine);
            }
        } catch (LockBackendException e) {
            // The clean-up of unanswered creates goes on in the background while the session lives;
            // a queue node left by a failed delete lasts until the session ends.
            log.debug("Could not withdraw {} from {} now", owner, key, e);
        }
    }

    @Override
    public Subscription subscribe(String key, String owner, Runnable onChange) {
        return waiters.add(new LockId(key, owner), onChange);
    }

    @Override
    public void setLeaseLossListener(LeaseLossListener listener) {
        this.listener = listener == null ? SessionStateSignals.NOBODY : listener;
    }

    /**
     * Asks the servers for a session of {@code lease} (kept for the locks of that lease) and reads
     * back the timeout they granted: a lease they would clamp is refused, naming the bounds to change.
     */
    @Override
    public Optional<String> refusal(Duration lease) {
        return sessions.refusal(lease, this::holdsNodes);
    }

    @Override
    public BackendHealth health() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("basePath", names.basePath());
        details.put("nodes", nodes.size());
        details.put("unansweredCreates", sessions.all().stream().mapToInt(s -> s.unanswered().size()).sum());
        details.put("sessionTimeouts", sessions.describe());
        return sessions.primary().reads().health(details);
    }

    @Override
    public void close() {
        waiters.clear();
        sessions.close(CLOSE_WAIT); // our own clients: ends the sessions, the server deletes all our nodes at once
        Map<LockId, OwnedNodes.OwnedNode> left = nodes.drain();
        if (sessions.ownsClients()) {
            return;
        }
        // The application's session outlives us: delete what we still hold or queue for.
        for (Map.Entry<LockId, OwnedNodes.OwnedNode> owned : left.entrySet()) {
            try {
                OwnedNodes.delete(owned.getKey(), owned.getValue());
            } catch (LockBackendException e) {
                log.debug("Could not delete the lock nodes of {} for {} on close", owned.getKey().owner(),
                        owned.getKey().key(), e);
            }
        }
    }

    private boolean holdsNodes(LeaseSession session) {
        return nodes.anyIn(session);
    }

    private SessionStateSignals signalsOf(LeaseSession session) {
        return new SessionStateSignals(() -> forgetSession(session), waiters, () -> listener);
    }

    /** {@code session} is gone, and every node with it: nothing we remember of it is ours any more. */
    private List<LockId> forgetSession(LeaseSession session) {
        session.unanswered().forgetAll();
        return nodes.forget(session);
    }
}
