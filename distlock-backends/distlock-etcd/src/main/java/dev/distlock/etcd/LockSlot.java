package dev.distlock.etcd;

import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;

import dev.distlock.spi.ReleaseNotifications.Subscription;
import dev.distlock.spi.support.WaiterRegistry;

/**
 * What this backend knows about one (key, owner): its node in the lock's queue, the node's lease,
 * the watch that reports the node's loss while held, and ({@link SlotWaiters}) what wakes its
 * waiters. Guarded by its own lock ({@link #lock()}); the backend never calls etcd
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

    private State state = State.NONE;
    private long createRevision;
    private long leaseId;
    /**
     * The TTL asked for when the node's lease was granted, in whole seconds: etcd may have granted
     * more (its minimum TTL). 0 when unknown, so that the next renewal moves the node to a new lease.
     */
    private long askedTtlSeconds;
    /** Removed from the backend's map; a caller that still has it looks the slot up again. */
    private boolean retired;

    private NodeWatch lossWatch;
    private HeldNodeListener heldListener;
    private final SlotWaiters waiters;
    private final ReentrantLock guard = new ReentrantLock();

    private final Client client;
    private final Executor events;

    /** {@code waiters}: the backend's, by slot; this slot's waiters are those under its own identity. */
    LockSlot(String key, String owner, EtcdKeyLayout keys, Client client, Executor events, WaiterRegistry<LockSlot> waiters) {
        this.key = key;
        this.owner = owner;
        this.queue = keys.queue(key);
        this.node = keys.node(key, owner);
        this.client = client;
        this.events = events;
        this.waiters = new SlotWaiters(this, waiters, client, events);
    }

    /** Taken around every read or change of the slot's state, including the etcd calls that change it. */
    void lock() {
        guard.lock();
    }

    void unlock() {
        guard.unlock();
    }

    State state() {
        return state;
    }

    boolean isHeld() {
        return state == State.HELD;
    }

    /** Our node's create revision, the fencing token; 0 without a node. */
    long createRevision() {
        return createRevision;
    }

    /** The lease our node is attached to; 0 without a node. */
    long leaseId() {
        return leaseId;
    }

    long askedTtlSeconds() {
        return askedTtlSeconds;
    }

    /** The backend removed this slot from its map: whoever still has it must look it up again. */
    void retire() {
        retired = true;
    }

    boolean isRetired() {
        return retired;
    }

    /** Our held node moved onto {@code lease}, asked for with {@code ttlSeconds}. */
    void movedToLease(long lease, long ttlSeconds) {
        leaseId = lease;
        askedTtlSeconds = ttlSeconds;
    }

    boolean idle() {
        return state == State.NONE && !waiters.any();
    }

    /** We hold the lock as of {@code position.revision()}: report the node's deletion from then on. */
    void held(EtcdGateway.Position position, long ttlSeconds, HeldNodeListener listener) {
        waiters.stopKeepAlive();
        adopt(position, ttlSeconds);
        state = State.HELD;
        waiters.follow(null, 0);
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
        waiters.follow(position.ahead(), position.revision());
        if (waiters.any()) {
            waiters.keepAlive(leaseId);
        }
    }

    /** No node of ours, but the waiter should wake when {@code holder} goes (a denied unfair attempt). */
    void denied(ByteSequence holder, long revision) {
        forget();
        waiters.follow(holder, revision);
    }

    /** Our node is gone or given up: stop everything that concerned it. */
    void forget() {
        waiters.stopKeepAlive();
        closeLossWatch();
        state = State.NONE;
        createRevision = 0;
        leaseId = 0;
        askedTtlSeconds = 0;
    }

    /**
     * One {@code subscribe} of the engine: {@code onChange} runs when the node ahead goes (or the
     * waiting node's keep-alive ends); {@code onClosed} after the subscription is closed, outside
     * the slot's lock, so that the backend can retire an idle slot. Call under the slot's lock.
     */
    Subscription subscribe(Runnable onChange, Runnable onClosed) {
        return waiters.subscribe(onChange, onClosed, state == State.WAITING ? leaseId : 0);
    }

    /** Closes every watch; for the backend's close, which forgets the waiters. */
    void shutdown() {
        waiters.shutdown();
        forget();
    }

    private void adopt(EtcdGateway.Position position, long ttlSeconds) {
        createRevision = position.createRevision();
        leaseId = position.leaseId();
        askedTtlSeconds = ttlSeconds;
    }

    private void closeLossWatch() {
        if (lossWatch != null) {
            lossWatch.close();
            lossWatch = null;
        }
    }
}
