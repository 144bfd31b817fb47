package dev.distlock.zookeeper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.distlock.spi.LockBackendException;
import dev.distlock.zookeeper.LockNodeStore.CreatedNode;
import org.jspecify.annotations.Nullable;

/**
 * Creates the lock nodes of one backend (holder nodes and fair queue nodes), and recovers from the
 * creates that went wrong, which would otherwise leave a node, in our session's name, that blocks
 * the key or stands in its queue and that nobody deletes before the session ends:
 * <ul>
 *   <li>an <em>unanswered</em> create (connection lost, or the answer came after the caller stopped
 *       waiting): the server may have made the node all the same; {@link UnansweredCreates} deletes
 *       it in the background, a holder node found by its owner id, a queue node by its attempt prefix;</li>
 *   <li>a <em>stray</em>: a create that Curator retried after a connection loss and the server made
 *       twice, same attempt prefix, another name; {@link #withoutStrays} drops it. (A retried create
 *       of a holder node fails on our own node: {@link AcquireAttempt} recognises it by its owner id.)</li>
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

    /**
     * Creates {@code id}'s queue node under {@code parent} (a fair waiter's place in line) and
     * remembers it as owned in {@code session}.
     */
    CreatedNode createQueued(LockId id, String parent, LeaseSession session) {
        String prefix = ZooKeeperKeyLayout.attemptPrefix(id.owner(), attempts.incrementAndGet());
        CreatedNode created;
        try {
            created = session.store().createEphemeralSequential(parent, prefix, ownerData(id));
        } catch (LockBackendException e) {
            // The server may have created the node and only the answer was lost: it is deleted in
            // the background, found by its attempt prefix, whether or not this owner calls again.
            session.unanswered().remember(id, parent, prefix);
            throw e;
        }
        OwnedNodes.OwnedNode owned = nodes.queued(id, created, session);
        if (Thread.currentThread().isInterrupted()) {
            // Our caller stopped waiting (the engine's deadline) as the answer came: it will not hear
            // of this node, so the node must not stay queued in its name. (Put first, then checked: a
            // release sent after the caller gave up finds the node in one place or the other.)
            nodes.remove(id, owned);
            session.unanswered().remember(id, parent, prefix);
            throw lateAnswer(created);
        }
        return created;
    }

    /**
     * Creates the key's holder node {@code path} for {@code id} and, when that succeeds, remembers
     * that {@code id} holds the key ({@code queued}: its queue node, if it waited in line).
     *
     * @return null when somebody holds the key
     */
    @Nullable CreatedNode createHolder(LockId id, String path, LeaseSession session, @Nullable CreatedNode queued) {
        CreatedNode created;
        try {
            created = session.store().createEphemeral(path, ownerData(id));
        } catch (LockBackendException e) {
            // As above; the node of the key is ours if it carries our owner id in our session.
            session.unanswered().rememberHolder(id, path);
            throw e;
        }
        if (created == null) {
            return null;
        }
        OwnedNodes.OwnedNode owned = nodes.holding(id, created, queued, session);
        if (Thread.currentThread().isInterrupted()) {
            // A grant nobody will hear of: deleted again, so that it does not block the key.
            if (queued == null) {
                nodes.remove(id, owned);
            } else {
                nodes.queued(id, queued, session);
            }
            session.unanswered().rememberHolder(id, path);
            throw lateAnswer(created);
        }
        return created;
    }

    static byte[] ownerData(LockId id) {
        return id.owner().getBytes(StandardCharsets.UTF_8);
    }

    private static LockBackendException lateAnswer(CreatedNode created) {
        return new LockBackendException("ZooKeeper: the lock node " + created.path()
                + " was created after its caller had stopped waiting; it is deleted again");
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
