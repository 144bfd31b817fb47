package dev.distlock.zookeeper;

import java.util.List;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.support.WaiterRegistry;
import dev.distlock.zookeeper.LockNodeStore.CreatedNode;

/**
 * One {@code tryAcquire}, the recipe: our node (created, or the one we queue with) holds when it is
 * first in the key's queue. Before saying no it syncs with the leader once, since a release by
 * another client may not have reached our server yet. A denied fair node stays and watches its
 * predecessor; a denied unfair one is deleted at once and watches the holder.
 */
final class AcquireAttempt {

    /** Our node vanishing under us this often in one call means something is wrong, not a race. */
    private static final int MAX_RECREATES = 3;

    private final AcquireRequest request;
    private final LeaseSession session;
    private final ZooKeeperKeyLayout names;
    private final OwnedNodes nodes;
    private final NodeCreates creates;
    private final WaiterRegistry<LockId> waiters;

    AcquireAttempt(AcquireRequest request, LeaseSession session, ZooKeeperKeyLayout names, OwnedNodes nodes,
                   NodeCreates creates, WaiterRegistry<LockId> waiters) {
        this.request = request;
        this.session = session;
        this.names = names;
        this.nodes = nodes;
        this.creates = creates;
        this.waiters = waiters;
    }

    AcquireResult run() {
        LockId id = new LockId(request.key(), request.owner());
        String parent = names.keyPath(request.key());
        LockNodeStore store = session.store();
        creates.clearUnanswered(session, id);
        CreatedNode mine = nodes.in(session, id); // present: we queue, or this is a retry of a grant
        int recreated = 0;
        boolean synced = false;
        while (true) {
            if (mine == null) {
                mine = creates.create(id, parent, session);
            }
            List<String> queue = NodeCreates.withoutStrays(store, store.queue(parent), mine, parent);
            int index = queue.indexOf(mine.name());
            if (index < 0) { // our node is gone (session expired or deleted by hand): queue again
                nodes.remove(id, mine, session);
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
                nodes.remove(id, mine, session);
                store.delete(mine.path(), mine.version());
                if (!store.watchIfExists(parent + "/" + queue.get(0), new WakeUpWatcher(id, waiters))) {
                    waiters.wake(id);
                }
                return AcquireResult.denied();
            }
            if (store.watchIfExists(parent + "/" + queue.get(index - 1), new WakeUpWatcher(id, waiters))) {
                return AcquireResult.denied();
            }
            // Our predecessor left between the listing and the watch: the queue only shrinks ahead
            // of a fair node, so looking again ends.
        }
    }
}
