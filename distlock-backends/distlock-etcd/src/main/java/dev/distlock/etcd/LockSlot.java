package dev.distlock.etcd;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;

import dev.distlock.spi.ReleaseNotifications.Subscription;

/**
 * What this backend knows about one (key, owner): its node in the lock's queue, the node's lease,
 * the watch that reports the node's loss while held, the keep-alive of a waiting node and the
 * subscriptions of the waiter. Guarded by its own lock ({@link #lock()}); the backend never calls etcd
 * for one slot from two threads at once, and watch callbacks reach the slot through an executor only.
 * A {@link ReentrantLock}, not a monitor: it is held around calls to etcd, and a virtual thread that
 * blocks inside {@code synchronized} pins its carrier thread on JDK 21 to 23.
 */
final class LockSlot {

    enum State {
        /** No node of ours in the queue (as far as we know). */
        NONE,
        /** Our node waits in the queue (fair); its lease is kept alive while the waiter is subscribed. */
        WAITING,
        /** Our node is the oldest: we hold the lock; renewals drive its lease. */
        HELD
    }

    /** What the watch on a held node reports; runs on the backend's event threads. */
    interface HeldNodeListener {

        /** etcd deleted our held node, created at {@code createRevision}: its lease expired or was revoked. */
        void deleted(LockSlot slot, long createRevision);

        /** The watch ended by itself (etcd cancelled it, e.g. after a compaction): a deletion may go unseen. */
        void watchEnded(LockSlot slot, long createRevision);
    }

    final String key;
    final String owner;
    final ByteSequence queue;
    final ByteSequence node;

    State state = State.NONE;
    long createRevision;
    long leaseId;
    /**
     * The TTL asked for when the node's lease was granted, in whole seconds: etcd may have granted
     * more (its minimum TTL). 0 when unknown, so that the next renewal moves the node to a new lease.
     */
    long askedTtlSeconds;
    /** Removed from the backend's map; a caller that still has it looks the slot up again. */
    boolean retired;

    /** The node a waiter must see deleted before trying again, and the revision it was seen at. */
    private ByteSequence ahead;
    private long aheadRevision;
    private NodeWatch lossWatch;
    private HeldNodeListener heldListener;
    private CloseableClient keepAlive;
    private final List<Waiter> waiters = new CopyOnWriteArrayList<>();
    private final ReentrantLock guard = new ReentrantLock();

    private final Client client;
    private final Executor events;

    LockSlot(String key, String owner, EtcdKeyLayout keys, Client client, Executor events) {
        this.key = key;
        this.owner = owner;
        this.queue = keys.queue(key);
        this.node = keys.node(key, owner);
        this.client = client;
        this.events = events;
    }

    /** Taken around every read or change of the slot's state, including the etcd calls that change it. */
    void lock() {
        guard.lock();
    }

    void unlock() {
        guard.unlock();
    }

    boolean idle() {
        return state == State.NONE && waiters.isEmpty();
    }

    /** We hold the lock as of {@code position.revision()}: report the node's deletion from then on. */
    void held(EtcdGateway.Position position, long ttlSeconds, HeldNodeListener listener) {
        stopKeepAlive();
        adopt(position, ttlSeconds);
        state = State.HELD;
        ahead = null;
        heldListener = listener;
        watchHeldNode(position.revision());
    }

    /** Our held node was read in place at {@code revision}: watch it for its deletion from the next one. */
    void watchHeldNode(long revision) {
        closeLossWatch();
        long created = createRevision;
        HeldNodeListener listener = heldListener;
        lossWatch = NodeWatch.start(client.getWatchClient(), node, revision + 1, events,
                () -> listener.deleted(this, created), () -> listener.watchEnded(this, created));
    }

    /** Held, and the watch that reports the node's deletion is still running. */
    boolean watchingHeldNode() {
        return state == State.HELD && lossWatch != null && lossWatch.isLive();
    }

    /** Our node waits behind {@code position.ahead()}. */
    void waiting(EtcdGateway.Position position, long ttlSeconds) {
        adopt(position, ttlSeconds);
        state = State.WAITING;
        follow(position.ahead(), position.revision());
        if (!waiters.isEmpty()) {
            startKeepAlive();
        }
    }

    /** No node of ours, but the waiter should wake when {@code holder} goes (a denied unfair attempt). */
    void denied(ByteSequence holder, long revision) {
        forget();
        follow(holder, revision);
    }

    /** Our node is gone or given up: stop everything that concerned it. */
    void forget() {
        stopKeepAlive();
        closeLossWatch();
        state = State.NONE;
        createRevision = 0;
        leaseId = 0;
        askedTtlSeconds = 0;
    }

    Subscription subscribe(Runnable onChange, Runnable onClosed) {
        Waiter waiter = new Waiter(onChange, onClosed);
        waiters.add(waiter);
        if (ahead != null) {
            waiter.follow(ahead, aheadRevision + 1);
        }
        if (state == State.WAITING) {
            startKeepAlive();
        }
        return waiter;
    }

    /** Closes every subscription and watch; for the backend's close. */
    void shutdown() {
        waiters.forEach(Waiter::stop);
        waiters.clear();
        forget();
    }

    private void adopt(EtcdGateway.Position position, long ttlSeconds) {
        createRevision = position.createRevision();
        leaseId = position.leaseId();
        askedTtlSeconds = ttlSeconds;
    }

    private void follow(ByteSequence node, long revision) {
        ahead = node;
        aheadRevision = revision;
        if (node != null) {
            waiters.forEach(waiter -> waiter.follow(node, revision + 1));
        }
    }

    private void wakeWaiters() {
        waiters.forEach(Waiter::wake);
    }

    /**
     * jetcd sends a keep-alive every third of the lease while the waiter is subscribed, so a node keeps
     * its place however long the wait; when this JVM dies the keep-alives stop and etcd drops the node
     * after one lease. A "lease not found" answer means the node is gone: the waiter tries again.
     */
    private void startKeepAlive() {
        if (keepAlive != null || leaseId == 0) {
            return;
        }
        long lease = leaseId;
        keepAlive = client.getLeaseClient().keepAlive(lease, new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse response) {
            }

            @Override
            public void onError(Throwable error) {
                // jetcd also reports stream hiccups here and keeps going; only a missing lease is final.
                if (error.getMessage() != null && error.getMessage().contains("lease not found")) {
                    keepAliveEnded(lease);
                }
            }

            @Override
            public void onCompleted() {
                keepAliveEnded(lease);
            }
        });
    }

    private void keepAliveEnded(long lease) {
        events.execute(() -> {
            lock();
            try {
                if (leaseId == lease && keepAlive != null) {
                    keepAlive.close();
                    keepAlive = null;
                }
            } finally {
                unlock();
            }
            wakeWaiters();
        });
    }

    private void stopKeepAlive() {
        if (keepAlive != null) {
            keepAlive.close();
            keepAlive = null;
        }
    }

    private void closeLossWatch() {
        if (lossWatch != null) {
            lossWatch.close();
            lossWatch = null;
        }
    }

    /** One {@code subscribe} of the engine: watches the node ahead and runs {@code onChange} when it goes. */
    private final class Waiter implements Subscription {

        private final Runnable onChange;
        private final Runnable onClosed;
        private final ReentrantLock watchGuard = new ReentrantLock();
        private NodeWatch watch;
        private volatile boolean closed;

        Waiter(Runnable onChange, Runnable onClosed) {
            this.onChange = onChange;
            this.onClosed = onClosed;
        }

        void follow(ByteSequence node, long fromRevision) {
            watchGuard.lock();
            try {
                if (closed || (watch != null && watch.isLive() && watch.node().equals(node))) {
                    return;
                }
                if (watch != null) {
                    watch.close();
                }
                watch = NodeWatch.start(client.getWatchClient(), node, fromRevision, events, this::wake, this::wake);
            } finally {
                watchGuard.unlock();
            }
        }

        void wake() {
            if (!closed) {
                onChange.run();
            }
        }

        void stop() {
            watchGuard.lock();
            try {
                closed = true;
                if (watch != null) {
                    watch.close();
                    watch = null;
                }
            } finally {
                watchGuard.unlock();
            }
        }

        @Override
        public void close() {
            lock();
            try {
                if (closed) {
                    return;
                }
                stop();
                waiters.remove(this);
                if (waiters.isEmpty()) {
                    stopKeepAlive();
                }
            } finally {
                unlock();
            }
            onClosed.run();
        }
    }
}
