package dev.distlock.zookeeper;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.distlock.zookeeper.LockNodeStore.CreatedNode;

/**
 * The node of each owner that has one (holding or queued), created through one backend, with the
 * session it is ephemeral in: that session's store deletes, renews and watches it, and its end
 * takes the node with it.
 */
final class OwnedNodes {

    /** A node of ours and the session it lives in. */
    record OwnedNode(CreatedNode node, LeaseSession session) {
    }

    private final ConcurrentMap<LockId, OwnedNode> nodes = new ConcurrentHashMap<>();

    OwnedNode get(LockId id) {
        return nodes.get(id);
    }

    OwnedNode add(LockId id, CreatedNode node, LeaseSession session) {
        OwnedNode owned = new OwnedNode(node, session);
        nodes.put(id, owned);
        return owned;
    }

    /** Forgets {@code node} of {@code id} if it is still the one remembered. */
    void remove(LockId id, CreatedNode node, LeaseSession session) {
        nodes.remove(id, new OwnedNode(node, session));
    }

    OwnedNode remove(LockId id) {
        return nodes.remove(id);
    }

    /**
     * Our node for {@code id} if it lives in {@code session}. One in another session (the same owner
     * asking with another lease) cannot serve this lease: it is forgotten and deleted in the background.
     */
    CreatedNode in(LeaseSession session, LockId id) {
        OwnedNode owned = nodes.get(id);
        if (owned == null || owned.session() == session) {
            return owned == null ? null : owned.node();
        }
        if (nodes.remove(id, owned)) {
            owned.session().store().deleteInBackground(owned.node().path());
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
    List<OwnedNode> drain() {
        List<OwnedNode> all = new ArrayList<>(nodes.values());
        nodes.clear();
        return all;
    }
}
