package dev.distlock.zookeeper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.distlock.spi.LockBackendException;
import dev.distlock.zookeeper.LockNodeStore.CreatedNode;
import org.jspecify.annotations.Nullable;

/**
 * The nodes of each owner that has any, created through one backend, with the session they are
 * ephemeral in: that session's store deletes, renews and watches them, and its end takes them with
 * it. An owner holds the key when it has the key's holder node; a fair owner also has its queue
 * node, from when it queued until it releases.
 */
final class OwnedNodes {

    /**
     * An owner's nodes and the session they live in; at least one of the two nodes is there.
     * {@code first}: a waiter whose queue node was first in line when it was last denied, and so is
     * still (nobody gets ahead of a queue node).
     */
    record OwnedNode(@Nullable CreatedNode holder, @Nullable CreatedNode queued, LeaseSession session, boolean first) {

        boolean holds() {
            return holder != null;
        }
    }

    private final ConcurrentMap<LockId, OwnedNode> nodes = new ConcurrentHashMap<>();

    @Nullable OwnedNode get(LockId id) {
        return nodes.get(id);
    }

    /** {@code id} holds the key through {@code holder}; {@code queued} is its queue node, if it waited in line. */
    OwnedNode holding(LockId id, CreatedNode holder, @Nullable CreatedNode queued, LeaseSession session) {
        OwnedNode owned = new OwnedNode(holder, queued, session, false);
        nodes.put(id, owned);
        return owned;
    }

    /** {@code id} waits in the key's fair queue with {@code queued}. */
    OwnedNode queued(LockId id, CreatedNode queued, LeaseSession session) {
        OwnedNode owned = new OwnedNode(null, queued, session, false);
        nodes.put(id, owned);
        return owned;
    }

    /** {@code id}'s queue node {@code queued} is first in line; it waits for the holder's node to go. */
    void firstInLine(LockId id, CreatedNode queued, LeaseSession session) {
        nodes.replace(id, new OwnedNode(null, queued, session, false), new OwnedNode(null, queued, session, true));
    }

    /** Forgets {@code owned} of {@code id} if it is still the one remembered. */
    boolean remove(LockId id, OwnedNode owned) {
        return nodes.remove(id, owned);
    }

    @Nullable OwnedNode remove(LockId id) {
        return nodes.remove(id);
    }

    /**
     * Our nodes for {@code id} if they live in {@code session}. Those in another session (the same
     * owner asking with another lease) cannot serve this lease: they are forgotten and deleted.
     */
    @Nullable OwnedNode in(LeaseSession session, LockId id) {
        OwnedNode owned = nodes.get(id);
        if (owned == null || owned.session() == session) {
            return owned;
        }
        if (nodes.remove(id, owned)) {
            delete(id, owned);
        }
        return null;
    }

    boolean anyIn(LeaseSession session) {
        return nodes.values().stream().anyMatch(owned -> owned.session() == session);
    }

    /** {@code session} is gone, and its nodes with it: forgets them, returning their owners. */
    List<LockId> forget(LeaseSession session) {
        List<LockId> gone = new ArrayList<>();
        nodes.forEach((id, owned) -> {
            if (owned.session() == session && nodes.remove(id, owned)) {
                gone.add(id);
            }
        });
        return gone;
    }

    int size() {
        return nodes.size();
    }

    /** Every node, forgotten. */
    Map<LockId, OwnedNode> drain() {
        Map<LockId, OwnedNode> all = new HashMap<>(nodes);
        nodes.clear();
        return all;
    }

    /**
     * Deletes the nodes of {@code mine} (already forgotten), owner-checked, in one round trip. A
     * delete that fails goes on in the background while the session lives: a holder node left
     * behind would block the key for everybody, a queue node would stand in its line.
     *
     * @return whether the nodes were there to delete
     * @throws LockBackendException when ZooKeeper could not be asked (the delete goes on in the background)
     */
    static boolean delete(LockId id, OwnedNode mine) {
        LockNodeStore store = mine.session().store();
        CreatedNode holder = mine.holder();
        CreatedNode queued = mine.queued();
        if (holder == null) {
            return store.delete(queued.path(), queued.version()); // a unique path: Curator's guaranteed delete
        }
        try {
            if (queued == null) {
                return store.deleteInSession(holder.session(), holder);
            }
            if (store.deleteInSession(holder.session(), holder, queued)) {
                return true;
            }
            // One of the two was gone already (by hand): each on its own.
            boolean held = store.deleteInSession(holder.session(), holder);
            store.delete(queued.path(), queued.version());
            return held;
        } catch (LockBackendException e) {
            mine.session().unanswered().rememberHolder(id, holder.path());
            if (queued != null) {
                store.deleteInBackground(queued.path());
            }
            throw e;
        }
    }
}
