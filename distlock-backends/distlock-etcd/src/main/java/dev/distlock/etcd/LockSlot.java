package dev.distlock.etcd;

import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;

import dev.distlock.spi.ReleaseNotifications.Subscription;
import dev.distlock.spi.support.WaiterRegistry;
import org.jspecify.annotations.Nullable;

/**
 * What this backend knows about one (key, owner): its node in the lock's queue, the node's lease
 * (shared with the other locks of its length, or its own), and ({@link SlotWaiters}) what wakes its
 * waiters; while held, {@link HeldNodes} tracks it for the backend's one watch. Guarded by its own lock ({@link #lock()}); the backend never calls etcd
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

    /** Whether this slot granted {@link #leaseId} for its node alone: only then may it revoke it. */
    private boolean ownsLease;
    /** The lease our held node shares with other locks of its length, or null on a lease of its own. */
    private @Nullable SharedLease shared;
    /**
     * On a shared lease: until when (System.nanoTime) the engine last renewed the lock. The shared
     * lease outlives it while other locks hold; past this, the backend ends the lock itself.
     */
    private volatile long renewedUntilNanos;
    /**
     * The latest revision at which another contender's node left our queue (a denied attempt takes its
     * node out again, a waiter gives up): written by the backend's watch thread only, without the lock.
     */
    private volatile long contenderLeftAt;
    private final SlotWaiters waiters;
    private final HeldNodes heldNodes;
    private final SharedLeases sharedLeases;
    private final ReentrantLock guard = new ReentrantLock();

    /** {@code waiters}: the backend's, by slot; this slot's waiters are those under its own identity. */
    LockSlot(String key, String owner, EtcdKeyLayout keys, Client client, Executor events, WaiterRegistry<LockSlot> waiters,
             HeldNodes heldNodes, SharedLeases sharedLeases, QueueDeletions deletions) {
        this.key = key;
        this.owner = owner;
        this.queue = keys.queue(key);
        this.node = keys.node(key, owner);
        this.waiters = new SlotWaiters(this, waiters, client, events, deletions, heldNodes);
        this.heldNodes = heldNodes;
        this.sharedLeases = sharedLeases;
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

    /**
     * Held by a node that existed at {@code revision}: not released, lost or replaced by a newer node
     * since (a newer node has a greater create revision). How a late callback about a node, or a
     * deletion at a revision, tells whether it still concerns the lock this slot holds. A retired
     * slot never holds.
     */
    boolean isHeldAt(long revision) {
        return state == State.HELD && createRevision <= revision;
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

    /** Whether our node's lease was granted by this slot for it alone (so that it may revoke it). */
    boolean ownsLease() {
        return ownsLease;
    }

    /** The shared lease our held node is on, or null: never set while the slot does not hold. */
    @Nullable SharedLease sharedLease() {
        return shared;
    }

    long renewedUntilNanos() {
        return renewedUntilNanos;
    }

    /** The engine renewed the lock (on a shared lease) until {@code nanos}. */
    void renewedUntil(long nanos) {
        renewedUntilNanos = nanos;
    }

    /** Our held node moved onto {@code lease} of its own, granted for {@code ttlSeconds}. */
    void movedToOwnLease(long lease, long ttlSeconds) {
        releaseShared();
        leaseId = lease;
        askedTtlSeconds = ttlSeconds;
        ownsLease = true;
    }

    /** Another contender's node left our queue at {@code revision}; on the watch's thread, without the lock. */
    void contenderLeft(long revision) {
        if (revision > contenderLeftAt) {
            contenderLeftAt = revision;
        }
    }

    /** Held, and another client asked for the lock since our node was created: it waits, or will ask again. */
    boolean othersAskedWhileHeld() {
        return state == State.HELD && contenderLeftAt > createRevision;
    }

    /** The engine waits for this lock: it was taken at the last look. */
    boolean hasWaiters() {
        return waiters.any();
    }

    /** The node our waiters followed was deleted since it was seen: the lock is most likely free. */
    boolean aheadDeleted() {
        return waiters.aheadDeleted();
    }

    boolean idle() {
        return state == State.NONE && !waiters.any();
    }

    /**
     * We hold the lock as of {@code position.revision()}, on a lease of our own ({@code ownsLease}:
     * granted for this node, so ours to revoke): the backend's watch reports the node's deletion.
     */
    void held(EtcdGateway.Position position, long ttlSeconds, boolean ownsLease) {
        waiters.stopKeepAlive();
        adopt(position, ttlSeconds);
        this.ownsLease = ownsLease;
        state = State.HELD;
        waiters.follow(null, 0);
        heldNodes.track(this, position.revision());
    }

    /**
     * We hold the lock on {@code lease}, shared with the other locks of its length (retained for us
     * already), and the engine counts it until {@code renewedUntilNanos}.
     */
    void heldOnShared(EtcdGateway.Position position, SharedLease lease, long renewedUntilNanos) {
        held(position, lease.askedSeconds(), false);
        shared = lease;
        this.renewedUntilNanos = renewedUntilNanos;
    }

    /** Our node waits behind {@code position.ahead()}, on a lease granted for it alone. */
    void waiting(EtcdGateway.Position position, long ttlSeconds) {
        adopt(position, ttlSeconds);
        ownsLease = true;
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

    /**
     * A denied unfair attempt took its node out again ({@link EtcdGateway#takeOut}): the waiter follows
     * the node that was ahead from that revision, or tries again now if it was gone already.
     */
    void deniedAndTakenOut(ByteSequence ahead, EtcdGateway.Head seen) {
        forget();
        if (seen.key() == null) {
            waiters.followGone(ahead);
        } else {
            waiters.follow(seen.key(), seen.revision());
        }
    }

    /** Our node is gone or given up: stop everything that concerned it. */
    void forget() {
        waiters.stopKeepAlive();
        if (state == State.HELD) {
            heldNodes.untrack(this);
        }
        releaseShared();
        state = State.NONE;
        createRevision = 0;
        leaseId = 0;
        askedTtlSeconds = 0;
        ownsLease = false;
    }

    /**
     * One {@code subscribe} of the engine: {@code onChange} runs when the node ahead goes (or the
     * waiting node's keep-alive ends); {@code onClosed} after the subscription is closed, outside
     * the slot's lock, so that the backend can retire an idle slot. Call under the slot's lock.
     */
    Subscription subscribe(Runnable onChange, Runnable onClosed) {
        return waiters.subscribe(onChange, onClosed, state == State.WAITING ? leaseId : 0);
    }

    /** Closes every watch and keep-alive; for the backend's close, which forgets the waiters. */
    void shutdown() {
        waiters.shutdown();
        forget();
    }

    private void adopt(EtcdGateway.Position position, long ttlSeconds) {
        createRevision = position.createRevision();
        leaseId = position.leaseId();
        askedTtlSeconds = ttlSeconds;
    }

    private void releaseShared() {
        if (shared != null) {
            sharedLeases.release(shared);
            shared = null;
        }
    }
}
