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
 * What wakes the waiters of one {@link LockSlot}: the watch on the node ahead (the holder, or a
 * fair node's predecessor), and the end of the keep-alive that keeps a waiting node's lease while
 * anyone waits. Turns both into {@link WaiterRegistry#wake}. Guarded by the slot's lock, as the
 * slot is, except what the watch's deletion callback touches: it runs on jetcd's thread, takes no lock
 * (an attempt may hold the slot's lock while it waits for etcd) and only marks and wakes. The
 * keep-alive's end comes back through the backend's event executor.
 */
final class SlotWaiters {

    private final LockSlot slot;
    private final WaiterRegistry<LockSlot> registry;
    private final Client client;
    private final Executor events;
    /** The node a waiter must see deleted before trying again (read by the watch callback), and the revision it was seen at. */
    private volatile @Nullable ByteSequence ahead;
    private long aheadRevision;
    /**
     * The node the watch last saw deleted. A node is named after its owner id, unique per acquisition,
     * so {@link #ahead} equal to it means the lock is most likely free now; kept as the node rather than a
     * flag, so that a late callback cannot mark a node followed after it.
     */
    private volatile @Nullable ByteSequence deletedAhead;
    /** Watches {@link #ahead}, while there are waiters. */
    private NodeWatch aheadWatch;
    private CloseableClient keepAlive;
    private long keepAliveLease;

    /** {@code registry}: the backend's, by slot; this slot's waiters are those under its identity. */
    SlotWaiters(LockSlot slot, WaiterRegistry<LockSlot> registry, Client client, Executor events) {
        this.slot = slot;
        this.registry = registry;
        this.client = client;
        this.events = events;
    }

    boolean any() {
        return registry.hasWaiters(slot);
    }

    /** The watch saw the node now followed deleted (released, expired): the lock is most likely free. */
    boolean aheadDeleted() {
        ByteSequence followed = ahead;
        return followed != null && followed.equals(deletedAhead);
    }

    /** Waiters wake when {@code node}, seen at {@code revision}, is deleted; null: nothing to follow. */
    void follow(@Nullable ByteSequence node, long revision) {
        ahead = node;
        aheadRevision = revision;
        if (node != null && any()) {
            watchAhead();
        }
    }

    /**
     * One {@code subscribe} of the engine; {@code waitingLease}, when not 0, is the lease of our
     * waiting node, kept alive from now on. {@code onClosed} runs after the subscription is closed,
     * outside the slot's lock, so that the backend can retire an idle slot. Call under the slot's lock.
     */
    Subscription subscribe(Runnable onChange, Runnable onClosed, long waitingLease) {
        Subscription waiter = registry.add(slot, onChange);
        if (ahead != null) {
            watchAhead();
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
                    closeAheadWatch();
                }
            } finally {
                slot.unlock();
            }
            onClosed.run();
        };
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

    /** Closes the watch and the keep-alive; for the backend's close, which forgets the waiters. */
    void shutdown() {
        closeAheadWatch();
        stopKeepAlive();
    }

    /** Watches the node ahead from just after the revision it was seen at, unless already watching it. */
    private void watchAhead() {
        if (aheadWatch != null && aheadWatch.isLive() && aheadWatch.node().equals(ahead)) {
            return;
        }
        closeAheadWatch();
        ByteSequence watched = ahead;
        aheadWatch = NodeWatch.start(client.getWatchClient(), watched, aheadRevision + 1, events, () -> deleted(watched), this::wake);
    }

    private void closeAheadWatch() {
        if (aheadWatch != null) {
            aheadWatch.close();
            aheadWatch = null;
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

    /**
     * On jetcd's thread, without the slot's lock: a deletion is news whenever it arrives, since the read
     * that made us follow the node saw it before it was deleted.
     */
    private void deleted(ByteSequence node) {
        deletedAhead = node;
        wake();
    }

    private void wake() {
        registry.wake(slot);
    }
}
