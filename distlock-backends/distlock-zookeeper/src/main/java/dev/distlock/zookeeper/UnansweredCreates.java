package dev.distlock.zookeeper;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.support.DaemonThreads;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates of lock nodes that failed without an answer (connection lost, call interrupted at the
 * engine's deadline): the server may have created the node all the same, in our session's name,
 * and nobody but us can delete it before our session ends. Left alone it would reach the head of
 * its key's queue and block the key for every client. This is the race that Curator's protected
 * mode closes; our attempt prefix plays the part of its GUID.
 *
 * <p>Each one is deleted in the background, retried with back-off, until a read of the key's holder
 * node or a listing of its queue (after a sync with the leader) shows no node of that owner or
 * attempt any more, or until the
 * session it was sent in is gone (its nodes went with it). Our session's requests are served in
 * order, so a listing sent after the failed create sees its node if the server made it.
 */
final class UnansweredCreates {

    private static final Logger log = LoggerFactory.getLogger(UnansweredCreates.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(50);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(2);

    /**
     * One owner's unanswered creates of one key, in one session: the attempt prefixes of its queue
     * nodes under {@code parent}, and whether it asked for the key's holder node {@code holder}.
     */
    private record Pending(@Nullable String parent, Set<String> prefixes, @Nullable String holder, long sessionId) {
        Pending with(Pending more) {
            Set<String> all = new HashSet<>(prefixes);
            all.addAll(more.prefixes);
            return new Pending(parent != null ? parent : more.parent, Set.copyOf(all),
                    holder != null ? holder : more.holder, Math.max(sessionId, more.sessionId));
        }

        String where() {
            return holder != null ? holder : String.valueOf(parent);
        }
    }

    private final LockNodeStore store;
    private final LockNodeReads reads;
    private final ConcurrentMap<LockId, Pending> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;

    UnansweredCreates(LockNodeStore store, LockNodeReads reads) {
        this.store = store;
        this.reads = reads;
        // Its one thread starts with the first unanswered create.
        this.sweeper = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("distlock-zookeeper-sweeper"));
    }

    /** Remembers a create of {@code id} with {@code prefix} that got no answer, and starts deleting its node. */
    void remember(LockId id, String parent, String prefix) {
        pending.merge(id, new Pending(parent, Set.of(prefix), null, store.sessionId()), Pending::with);
        schedule(id, FIRST_RETRY);
    }

    /** Remembers a create of {@code id}'s holder node {@code path} that got no answer, and starts deleting it. */
    void rememberHolder(LockId id, String path) {
        pending.merge(id, new Pending(null, Set.of(), path, store.sessionId()), Pending::with);
        schedule(id, FIRST_RETRY);
    }

    /**
     * Deletes the nodes of {@code id}'s unanswered creates now, before the same owner queues again
     * (its old node would stand ahead of its new one). On failure they stay for the background.
     *
     * @throws LockBackendException when ZooKeeper could not be asked
     */
    void deleteNow(LockId id) {
        Pending claimed = pending.remove(id);
        if (claimed != null && !sweep(id, claimed)) {
            schedule(id, FIRST_RETRY);
            throw new LockBackendException("ZooKeeper: could not delete the node of an unanswered create at "
                    + claimed.where() + "; it is retried in the background");
        }
    }

    /** The session is gone, and every node it created with it. */
    void forgetAll() {
        pending.clear();
    }

    int size() {
        return pending.size();
    }

    /**
     * Stops the clean-up.
     *
     * @param sessionEnds true when the session ends with us (our own client): its nodes go with it
     */
    void close(boolean sessionEnds) {
        if (!pending.isEmpty() && !sessionEnds) {
            log.warn("Closing with {} unanswered lock node create(s) not yet cleaned up; their nodes, if any, "
                    + "last until the application's ZooKeeper session ends", pending.size());
        }
        sweeper.shutdownNow();
        pending.clear();
    }

    private void schedule(LockId id, Duration delay) {
        try {
            sweeper.schedule(() -> sweepInBackground(id, delay), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("Closed: no background clean-up of the unanswered create of {} for {}", id.owner(), id.key());
        }
    }

    private void sweepInBackground(LockId id, Duration delay) {
        Pending claimed = pending.remove(id);
        if (claimed != null && !sweep(id, claimed)) {
            Duration next = delay.multipliedBy(2).compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : delay.multipliedBy(2);
            schedule(id, next);
        }
    }

    /**
     * Deletes every node of {@code claimed}'s attempts; on failure puts them back for later.
     *
     * @return true when nothing is left to do
     */
    private boolean sweep(LockId id, Pending claimed) {
        long current = store.sessionId();
        if (claimed.sessionId() != 0 && current != 0 && claimed.sessionId() != current) {
            return true; // created (if at all) in a session that has ended: the server deleted it
        }
        try {
            if (claimed.holder() != null) {
                if (current == 0) {
                    throw new LockBackendException("ZooKeeper: no session to look for the node in");
                }
                // The key's node is ours only if it carries our owner id and lives in our session.
                LockNodeReads.HolderNode holder = reads.holderConfirmedByLeader(claimed.holder());
                if (holder != null && holder.isOf(id.owner(), current)
                        && store.deleteInSession(current, holder.asCreated())) {
                    log.debug("Deleted {}, the node of a create whose answer was lost", claimed.holder());
                }
            }
            if (claimed.parent() != null && !claimed.prefixes().isEmpty()) {
                reads.sync(claimed.parent());
                for (String name : reads.queue(claimed.parent())) {
                    if (claimed.prefixes().contains(ZooKeeperKeyLayout.attemptPrefixOf(name))) {
                        store.delete(claimed.parent() + "/" + name, 0);
                        log.debug("Deleted {}/{}, the node of a create whose answer was lost", claimed.parent(), name);
                    }
                }
            }
            return true;
        } catch (LockBackendException e) {
            log.debug("Could not yet delete the node of an unanswered create of {} at {}: {}", id.owner(),
                    claimed.where(), e.toString());
            pending.merge(id, claimed, Pending::with);
            return false;
        }
    }
}
