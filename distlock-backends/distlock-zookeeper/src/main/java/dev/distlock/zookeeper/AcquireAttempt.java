package dev.distlock.zookeeper;

import java.util.List;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.support.WaiterRegistry;
import dev.distlock.zookeeper.LockNodeStore.CreatedNode;
import dev.distlock.zookeeper.LockNodeReads.HolderNode;
import dev.distlock.zookeeper.OwnedNodes.OwnedNode;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;

/**
 * One {@code tryAcquire}. Whoever holds a key, fair or not, holds it through the key's one holder
 * node, a plain EPHEMERAL node that only one session can create: that is the mutual exclusion, for
 * unfair and fair requests alike.
 * <ul>
 *   <li>Unfair: create the holder node (one round trip); when it exists, read it with a watch (one
 *       more), whose firing at its deletion wakes us. Nothing is left behind on a denial.</li>
 *   <li>Fair: a new request first looks at the key's queue (after a sync with the leader, so that a
 *       waiter queued through another server is seen) and creates the holder node at once only when
 *       nobody waits; otherwise it queues with a sequential node. The head of the queue creates the
 *       holder node (watching it while it exists, and trying with one create when woken); the
 *       others watch the node just ahead of theirs.</li>
 * </ul>
 */
final class AcquireAttempt {

    /** Our node vanishing under us this often in one call means something is wrong, not a race. */
    private static final int MAX_RECREATES = 3;
    /** Holder node seen gone as often as it was seen there: our server lags; the caller comes back. */
    private static final int MAX_LOOKS = 3;

    private final AcquireRequest request;
    private final LockId id;
    private final LeaseSession session;
    private final LockNodeStore store;
    private final LockNodeReads reads;
    private final ZooKeeperKeyLayout names;
    private final OwnedNodes nodes;
    private final NodeCreates creates;
    private final WaiterRegistry<LockId> waiters;
    private final String holderPath;

    AcquireAttempt(AcquireRequest request, LeaseSession session, ZooKeeperKeyLayout names, OwnedNodes nodes,
                   NodeCreates creates, WaiterRegistry<LockId> waiters) {
        this.request = request;
        this.id = new LockId(request.key(), request.owner());
        this.session = session;
        this.store = session.store();
        this.reads = session.reads();
        this.names = names;
        this.nodes = nodes;
        this.creates = creates;
        this.waiters = waiters;
        this.holderPath = names.keyPath(request.key());
    }

    AcquireResult run() {
        OwnedNode mine = nodes.in(session, id);
        if (mine != null && mine.holds()) {
            AcquireResult again = grantedAgain(mine);
            if (again != null) {
                return again;
            }
            mine = null;
        }
        creates.clearUnanswered(session, id);
        return request.fair() ? fair(mine) : unfair();
    }

    /** A retry of a grant: the same grant while our node is still there (a lost answer is not a new grant). */
    private @Nullable AcquireResult grantedAgain(OwnedNode mine) {
        CreatedNode holder = mine.holder();
        Stat stat = reads.stat(holder.path());
        if (stat != null && stat.getCzxid() == holder.czxid()) {
            return AcquireResult.granted(holder.czxid());
        }
        // Our node is gone (session expired, or deleted by hand): so is the grant, and our old
        // queue node, if any, must not stand ahead of the new request.
        if (nodes.remove(id, mine) && mine.queued() != null) {
            store.deleteInBackground(mine.queued().path());
        }
        return null;
    }

    private AcquireResult unfair() {
        for (int look = 1; ; look++) {
            AcquireResult answer = createOrWatchHolder(null);
            if (answer != null) {
                return answer;
            }
            if (look == MAX_LOOKS) {
                return askToComeBack();
            }
        }
    }

    private AcquireResult fair(@Nullable OwnedNode mine) {
        String queuePath = names.queuePath(request.key());
        CreatedNode queued = mine == null ? null : mine.queued();
        boolean holderSeen = false;
        if (queued != null && mine.first()) {
            // First in line at our last denial, so first still: the holder's node is all we wait for.
            AcquireResult answer = createOrWatchHolder(queued);
            if (answer != null) {
                return answer;
            }
        }
        if (queued == null) {
            // Request order is the order of the queue: a new request takes a free key at once only if
            // nobody waits in line, as the leader sees it.
            reads.sync(queuePath);
            if (reads.queue(queuePath).isEmpty()) {
                AcquireResult granted = createHolder(null);
                if (granted != null) {
                    return granted;
                }
                holderSeen = true; // watched once we are in line
            }
            queued = creates.createQueued(id, queuePath, session);
        }
        int recreated = 0;
        int looks = 0;
        boolean synced = false;
        while (true) {
            List<String> queue = NodeCreates.withoutStrays(store, reads.queue(queuePath), queued, queuePath);
            int index = queue.indexOf(queued.name());
            if (index < 0) { // our node is gone (session expired or deleted by hand): queue again
                nodes.remove(id);
                if (++recreated > MAX_RECREATES) {
                    throw new LockBackendException("ZooKeeper: the lock node for '" + request.key()
                            + "' kept disappearing; is something deleting nodes under " + names.basePath() + "?");
                }
                queued = creates.createQueued(id, queuePath, session);
                continue;
            }
            if (index == 0) {
                // First in line: the key is ours once its holder (fair or not) has gone.
                AcquireResult answer = holderSeen ? watchHolder(queued) : createOrWatchHolder(queued);
                if (answer != null) {
                    return answer;
                }
                holderSeen = false;
                if (++looks == MAX_LOOKS) {
                    return askToComeBack();
                }
                continue;
            }
            if (!synced) {
                // Before saying no, make sure the nodes ahead of us are not already gone on the
                // leader: a release by another client may not have reached our server yet.
                reads.sync(queuePath);
                synced = true;
                continue;
            }
            if (reads.watchIfExists(queuePath + "/" + queue.get(index - 1), new WakeUpWatcher(id, waiters))) {
                return AcquireResult.denied();
            }
            // Our predecessor left between the listing and the watch: the queue only shrinks ahead
            // of a fair node, so looking again ends.
        }
    }

    /**
     * The one step of every attempt on the key itself: create its holder node, and when that node
     * exists, watch it for its deletion ({@code queued}: our queue node, first in line, if we wait in line).
     *
     * @return granted, denied (a watch is left), or null when the node was gone by the watch (try again)
     */
    private @Nullable AcquireResult createOrWatchHolder(@Nullable CreatedNode queued) {
        AcquireResult granted = createHolder(queued);
        return granted != null ? granted : watchHolder(queued);
    }

    /** Creates the key's holder node: granted, or null when it exists (somebody holds the key). */
    private @Nullable AcquireResult createHolder(@Nullable CreatedNode queued) {
        CreatedNode held = creates.createHolder(id, holderPath, session, queued);
        return held == null ? null : AcquireResult.granted(held.czxid());
    }

    /**
     * The holder node exists (our create failed on it): watch it for its deletion. A fair waiter
     * denied here is first in line, and remembered so: its next attempt goes straight to the create.
     *
     * @return denied, granted when the node is our own (a create of ours that Curator retried after
     *         a lost connection made it), or null when it is gone already (try again)
     */
    private @Nullable AcquireResult watchHolder(@Nullable CreatedNode queued) {
        HolderNode holder = reads.watchHolder(holderPath, new WakeUpWatcher(id, waiters));
        if (holder == null) {
            return null;
        }
        if (holder.isOf(request.owner(), store.sessionId())) {
            CreatedNode ours = holder.asCreated();
            nodes.holding(id, ours, queued, session);
            return AcquireResult.granted(ours.czxid());
        }
        if (queued != null) {
            nodes.firstInLine(id, queued, session); // no-op when already marked first
        }
        return AcquireResult.denied();
    }

    /**
     * The leader said the holder node exists, our server says it does not: it has not caught up
     * yet. No watch could be left, so the caller is woken to try again.
     */
    private AcquireResult askToComeBack() {
        waiters.wake(id);
        return AcquireResult.denied();
    }
}
