package dev.distlock.zookeeper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.distlock.spi.LockBackendException;
import dev.distlock.zookeeper.LockNodeStore.CreatedNode;

/**
 * Creates the lock nodes of one backend, and recovers from the creates that went wrong, which would
 * otherwise leave a node in the queue, in our session's name, that nobody deletes before the session
 * ends:
 * <ul>
 *   <li>an <em>unanswered</em> create (connection lost, or the answer came after the caller stopped
 *       waiting): the server may have made the node all the same; {@link UnansweredCreates} deletes
 *       it in the background, found by its attempt prefix;</li>
 *   <li>a <em>stray</em>: a create that Curator retried after a connection loss and the server made
 *       twice, same attempt prefix, another name; {@link #withoutStrays} drops it.</li>
 * </ul>
 */
final class NodeCreates {

    private final OwnedNodes nodes;
    private final AtomicLong attempts = new AtomicLong();

    NodeCreates(OwnedNodes nodes) {
        this.nodes = nodes;
    }

    /**
     * Deletes the nodes of {@code id}'s unanswered creates in {@code session} now: an old node of
     * this owner would stand ahead of its new one.
     *
     * @throws LockBackendException when ZooKeeper could not be asked (they stay for the background)
     */
    void clearUnanswered(LeaseSession session, LockId id) {
        session.unanswered().deleteNow(id);
    }

    /** Creates {@code id}'s node under {@code parent} and remembers it as owned in {@code session}. */
    CreatedNode create(LockId id, String parent, LeaseSession session) {
        String prefix = ZooKeeperKeyLayout.attemptPrefix(id.owner(), attempts.incrementAndGet());
        CreatedNode created;
        try {
            created = session.store().createEphemeralSequential(parent, prefix, id.owner().getBytes(StandardCharsets.UTF_8));
        } catch (LockBackendException e) {
            // The server may have created the node and only the answer was lost: it is deleted in
            // the background, found by its attempt prefix, whether or not this owner calls again.
            session.unanswered().remember(id, parent, prefix);
            throw e;
        }
        nodes.add(id, created, session);
        if (Thread.currentThread().isInterrupted()) {
            // Our caller stopped waiting (the engine's deadline) as the answer came: it will not hear
            // of this node, so the node must not stay queued in its name. (Put first, then checked: a
            // release sent after the caller gave up finds the node in one place or the other.)
            nodes.remove(id, created, session);
            session.unanswered().remember(id, parent, prefix);
            throw new LockBackendException("ZooKeeper: the lock node " + created.path()
                    + " was created after its caller had stopped waiting; it is deleted again");
        }
        return created;
    }

    /**
     * {@code queue} without the strays of {@code mine}'s create (same attempt prefix, other name),
     * which are deleted in the background. They would otherwise sit in the queue as long as our session.
     */
    static List<String> withoutStrays(LockNodeStore store, List<String> queue, CreatedNode mine, String parent) {
        String prefix = ZooKeeperKeyLayout.attemptPrefixOf(mine.name());
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
}
