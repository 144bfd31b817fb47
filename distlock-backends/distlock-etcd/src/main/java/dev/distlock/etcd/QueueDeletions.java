package dev.distlock.etcd;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

import io.etcd.jetcd.ByteSequence;

import org.jspecify.annotations.Nullable;

/**
 * What wakes waiters: the deletions that the backend's one watch over its prefix reports
 * ({@link HeldNodes}), routed to the subscribed waiters of the deleted node's queue. One long-running
 * watch instead of one started per wait: etcd serves a watch created from a revision already past
 * (the read a waiter follows from, under contention) only at its next sync of unsynced watchers,
 * every 100 ms, so a watch per wait heard most releases late.
 *
 * <p>A waiter's read and the watch's event race: the deletion after the read may be reported before
 * the waiter follows the node. So the last deletions are kept ({@link #RECENT}), and following a
 * node and checking them happen under one lock that every report takes too: either the report finds
 * the node followed, or the follow finds the report.
 */
final class QueueDeletions {

    /** Deletions kept for a follow that comes after its node's report; a follow older than all of them cannot tell. */
    static final int RECENT = 1024;

    /** Above this many keys released to waiters and not asked for again since, they are forgotten. */
    static final int RELEASES_KEPT = 256;

    private record Deletion(ByteSequence key, long revision) {
    }

    /** Our node deleted by a release that told the engine others asked, and the revision of that deletion. */
    record Release(ByteSequence node, long revision) {
    }

    private final Map<ByteSequence, Release> releasedToWaiters = new ConcurrentHashMap<>();

    private final Map<ByteSequence, Set<SlotWaiters>> subscribed = new ConcurrentHashMap<>();
    private final ArrayDeque<Deletion> recent = new ArrayDeque<>(RECENT);
    /** Deletions up to this revision may have gone unrecorded (dropped from {@link #recent}, or before a watch restart). */
    private long unknownUpTo;
    private final ReentrantLock guard = new ReentrantLock();

    /** {@code waiters} wake on deletions in {@code queue} from now on; call under their slot's lock. */
    void subscribe(ByteSequence queue, SlotWaiters waiters) {
        subscribed.computeIfAbsent(queue, ignored -> ConcurrentHashMap.newKeySet()).add(waiters);
    }

    void unsubscribe(ByteSequence queue, SlotWaiters waiters) {
        subscribed.computeIfPresent(queue, (ignored, set) -> {
            set.remove(waiters);
            return set.isEmpty() ? null : set;
        });
    }

    /**
     * Runs {@code follow} (which makes {@code node} the one its waiters wait for) and tells whether
     * {@code node}, seen at {@code revision}, was deleted since as far as the reports tell: true also
     * when they cannot tell, so that the waiter looks again rather than waits for nothing.
     */
    boolean followDeletedSince(ByteSequence node, long revision, Runnable follow) {
        guard.lock();
        try {
            follow.run();
            return deletedAfter(revision, node::equals);
        } finally {
            guard.unlock();
        }
    }

    /** Our release of {@code node}, deleted at {@code revision}, told the engine that other clients asked. */
    void releasedToWaiters(ByteSequence queue, ByteSequence node, long revision) {
        if (releasedToWaiters.size() >= RELEASES_KEPT) {
            releasedToWaiters.clear(); // a forgotten release only makes the engine wait its pause out
        }
        releasedToWaiters.put(queue, new Release(node, revision));
    }

    /** Our last release to waiters in {@code queue}, null when none is kept: asked once per release. */
    @Nullable Release takeReleaseToWaiters(ByteSequence queue) {
        return releasedToWaiters.remove(queue);
    }

    /**
     * Whether another contender's node left {@code queue} since our {@code release} there (one of them
     * took the key and gave it back, or was denied): the waiters had their turn, and the engine need
     * not wait for a deletion that came before it subscribed. False when none was reported yet: those
     * to come wake the subscription.
     */
    boolean othersLeftSince(ByteSequence queue, Release release) {
        guard.lock();
        try {
            // No key's queue is a prefix of another's (EtcdKeyLayout): a node that starts with it is in it.
            return deletedAfter(release.revision(), key -> key.startsWith(queue) && !key.equals(release.node()));
        } finally {
            guard.unlock();
        }
    }

    /**
     * Whether a node that {@code matches} was reported deleted after {@code revision}; true also when
     * the reports cannot tell. Call under {@link #guard}.
     */
    private boolean deletedAfter(long revision, Predicate<ByteSequence> matches) {
        if (unknownUpTo > revision) {
            return true;
        }
        // Newest first, in revision order as the watch reports them: stop at the given revision.
        for (var newestFirst = recent.descendingIterator(); newestFirst.hasNext(); ) {
            Deletion deletion = newestFirst.next();
            if (deletion.revision() <= revision) {
                return false;
            }
            if (matches.test(deletion.key())) {
                return true;
            }
        }
        return false;
    }

    boolean anySubscribed() {
        return !subscribed.isEmpty();
    }

    /**
     * From the watch, on jetcd's thread: no blocking, no slot lock. {@code queue}: the key's, or null
     * when nobody was subscribed ({@link #anySubscribed}) as the watch looked.
     */
    void deleted(ByteSequence key, @Nullable ByteSequence queue, long revision) {
        guard.lock();
        try {
            if (recent.size() == RECENT) {
                unknownUpTo = Math.max(unknownUpTo, recent.removeFirst().revision());
            }
            recent.addLast(new Deletion(key, revision));
        } finally {
            guard.unlock();
        }
        Set<SlotWaiters> waiters = queue == null ? null : subscribed.get(queue);
        if (waiters != null) {
            for (SlotWaiters waiter : waiters) {
                waiter.deletedInQueue(key, revision);
            }
        }
    }

    /** The watch ended and runs again from {@code revision}: what came before may be unreported, so every waiter looks again. */
    void watchRestarted(long revision) {
        guard.lock();
        try {
            unknownUpTo = Math.max(unknownUpTo, revision - 1);
        } finally {
            guard.unlock();
        }
        for (Set<SlotWaiters> waiters : List.copyOf(subscribed.values())) {
            for (SlotWaiters waiter : waiters) {
                waiter.wake();
            }
        }
    }
}
