package dev.distlock.etcd;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;

import dev.distlock.spi.ReleaseNotifications.Subscription;
import dev.distlock.spi.support.WaiterRegistry;
import org.jspecify.annotations.Nullable;

/**
 * What wakes the waiters of one {@link LockSlot}: the deletion of the node ahead (the holder, or a
 * fair node's predecessor), reported by the backend's one watch ({@link QueueDeletions}), and the end
 * of the keep-alive that keeps a waiting node's lease while anyone waits. Turns both into
 * {@link WaiterRegistry#wake}. Guarded by the slot's lock, as the slot is, except what a deletion
 * report touches: it runs on jetcd's thread, takes no slot lock (an attempt may hold it while it
 * waits for etcd) and only marks and wakes. The keep-alive's end comes back through the backend's
 * event executor.
 */
final class SlotWaiters {

    private final LockSlot slot;
    private final WaiterRegistry<LockSlot> registry;
    private final Client client;
    private final Executor events;
    private final QueueDeletions deletions;
    private final HeldNodes watch;
    /** The node a waiter must see deleted before trying again (read by deletion reports), and the revision it was seen at. */
    private volatile @Nullable ByteSequence ahead;
    private volatile long aheadRevision;
    /**
     * The node last reported deleted while followed. A node is named after its owner id, unique per
     * acquisition, so {@link #ahead} equal to it means the lock is most likely free now; kept as the
     * node rather than a flag, so that a late report cannot mark a node followed after it.
     */
    private volatile @Nullable ByteSequence deletedAhead;
    /**
     * Our own node that the release to waiters before this subscription deleted: the watch may report
     * it after we subscribed, and it is no news then. Node names are unique per acquisition, so a stale
     * one matches nothing else.
     */
    private volatile @Nullable ByteSequence releasedNode;
    /** Subscribed to {@link #deletions} for our queue: while there are waiters. */
    private boolean listening;
    private CloseableClient keepAlive;
    private long keepAliveLease;

    /**
     * {@code registry}: the backend's, by slot; this slot's waiters are those under its identity.
     * {@code watch}: whose watch reports the deletions, for whether it covers a revision.
     */
    SlotWaiters(LockSlot slot, WaiterRegistry<LockSlot> registry, Client client, Executor events, QueueDeletions deletions,
                HeldNodes watch) {
        this.slot = slot;
        this.registry = registry;
        this.client = client;
        this.events = events;
        this.deletions = deletions;
        this.watch = watch;
    }

    boolean any() {
        return registry.hasWaiters(slot);
    }

    /** A reported deletion of the node now followed (released, expired): the lock is most likely free. */
    boolean aheadDeleted() {
        ByteSequence followed = ahead;
        return followed != null && followed.equals(deletedAhead);
    }

    /**
     * Waiters wake when {@code node}, seen at {@code revision}, is deleted; null: nothing to follow. If
     * it was deleted since, or the watch cannot tell (it did not run then), they wake now and look again.
     */
    void follow(@Nullable ByteSequence node, long revision) {
        if (node == null) {
            ahead = null;
            return;
        }
        boolean covered = watch.covers(revision + 1);
        boolean deleted = deletions.followDeletedSince(node, revision, () -> {
            aheadRevision = revision;
            ahead = node;
        });
        if (deleted) {
            deletedAhead = node;
        }
        if (deleted || !covered) {
            wake();
        }
    }

    /**
     * The node ahead was deleted before we could follow it (seen gone right after our denial): the
     * lock is most likely free, so the waiters try again now, and their attempt puts at once.
     */
    void followGone(ByteSequence node) {
        ahead = node;
        deletedAhead = node;
        wake();
    }

    /**
     * One {@code subscribe} of the engine; {@code waitingLease}, when not 0, is the lease of our
     * waiting node, kept alive from now on. {@code onClosed} runs after the subscription is closed,
     * outside the slot's lock, so that the backend can retire an idle slot. Call under the slot's lock.
     * A waiter that follows no node yet (the engine's releaser letting other clients ask first) wakes
     * on any deletion in the queue, once the backend's watch runs: until then its next attempt follows one.
     */
    Subscription subscribe(Runnable onChange, Runnable onClosed, long waitingLease) {
        Subscription waiter = registry.add(slot, onChange);
        if (!listening) {
            deletions.subscribe(slot.queue, this);
            listening = true;
        }
        QueueDeletions.Release release = ahead == null ? deletions.takeReleaseToWaiters(slot.queue) : null;
        if (release != null) {
            releasedNode = release.node();
            if (deletions.othersLeftSince(slot.queue, release)) {
                wake(); // the waiters we let ask first took the key and gave it back before we subscribed
            }
        }
        keepAlive(waitingLease);
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            slot.lock();
            try {
                waiter.close();
                if (!any()) {
                    stopKeepAlive();
                    stopListening();
                }
            } finally {
                slot.unlock();
            }
            onClosed.run();
        };
    }

    /**
     * A deletion in our queue, on jetcd's thread without the slot's lock: news when it is the node
     * followed (the read that made us follow it saw it before it was deleted), or when nothing is
     * followed yet and it is another contender's.
     */
    void deletedInQueue(ByteSequence key, long revision) {
        ByteSequence followed = ahead;
        if (followed == null) {
            // Our own node too (a denied attempt took it out, or our release to the waiters): no news,
            // and a wake-up would end the others' turn before they had it.
            if (!key.equals(slot.node) && !key.equals(releasedNode)) {
                wake();
            }
        } else if (followed.equals(key) && revision > aheadRevision) {
            deletedAhead = key;
            wake();
        }
    }

    /**
     * jetcd sends a keep-alive every third of the lease while the waiter is subscribed, so a node keeps
     * its place however long the wait; when this JVM dies the keep-alives stop and etcd drops the node
     * after one lease. etcd answering that the lease is not found means the node is gone: the waiter
     * tries again. Does nothing without a lease or with a keep-alive running.
     */
    void keepAlive(long lease) {
        if (keepAlive != null || lease == 0) {
            return;
        }
        keepAliveLease = lease;
        keepAlive = client.getLeaseClient().keepAlive(lease, new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse response) {
            }

            @Override
            public void onError(Throwable error) {
                // jetcd also reports stream hiccups here and keeps going; only a missing lease is final.
                if (EtcdErrors.leaseNotFound(error)) {
                    keepAliveEnded(lease);
                }
            }

            @Override
            public void onCompleted() {
                keepAliveEnded(lease);
            }
        });
    }

    void stopKeepAlive() {
        if (keepAlive != null) {
            keepAlive.close();
            keepAlive = null;
            keepAliveLease = 0;
        }
    }

    /** Stops the keep-alive and the deletion reports; for the backend's close, which forgets the waiters. */
    void shutdown() {
        stopListening();
        stopKeepAlive();
    }

    private void stopListening() {
        if (listening) {
            deletions.unsubscribe(slot.queue, this);
            listening = false;
        }
    }

    private void keepAliveEnded(long lease) {
        events.execute(() -> {
            slot.lock();
            try {
                if (keepAliveLease == lease) {
                    stopKeepAlive();
                }
            } finally {
                slot.unlock();
            }
            wake();
        });
    }

    /** The waiters try again (and follow anew): also when deletions may have gone unreported (the watch ended). */
    void wake() {
        registry.wake(slot);
    }
}
