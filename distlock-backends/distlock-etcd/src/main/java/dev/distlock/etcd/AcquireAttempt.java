package dev.distlock.etcd;

import java.time.Duration;
import java.util.Objects;

import io.etcd.jetcd.ByteSequence;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.LockBackendException;

/**
 * One {@code tryAcquire} on one slot, run under the slot's lock.
 *
 * <ul>
 *   <li>No node yet, unfair and renewed by the engine: ENQUEUE at once on the shared lease of the
 *       request's length (one round trip; a grant only when no lock of that length is held or was
 *       lately). Optimistic: no read of the queue's head first, since a free lock is the common case.
 *       Denied, the node is deleted again (a second round trip): a denied unfair request never
 *       leaves a node behind, so a caller that gives up without {@code withdraw} blocks nobody.
 *       While waiters are subscribed (the lock was taken at the last look), the head is read
 *       first and nothing is written while it is held; unless the watch saw the holder's node
 *       deleted since that look: then the lock is most likely free, and the put goes out at once
 *       (a hand-off costs the waiter one round trip, not two).</li>
 *   <li>No node yet, fair or not renewed by the engine ({@code autoRenew = false}, which must end at
 *       its TTL however long the process lives): a lease of its own, then ENQUEUE (two round
 *       trips). A denied fair request keeps its node: its place in the queue.</li>
 *   <li>Waiting: one keep-alive of our node's lease and POSITION, in parallel. Granted when no node
 *       is older than ours; if our node is gone (lease expired while nobody waited), enqueue anew.</li>
 *   <li>Held already (a retry after a lost reply): granted again with the same token if our node
 *       still holds.</li>
 * </ul>
 */
final class AcquireAttempt {

    private final LockSlot slot;
    private final AcquireRequest request;
    private final EtcdGateway gateway;
    private final SharedLeases sharedLeases;
    private final OverdueLocks overdue;

    AcquireAttempt(LockSlot slot, AcquireRequest request, EtcdGateway gateway, SharedLeases sharedLeases, OverdueLocks overdue) {
        this.slot = slot;
        this.request = request;
        this.gateway = gateway;
        this.sharedLeases = sharedLeases;
        this.overdue = overdue;
    }

    AcquireResult run() {
        switch (slot.state()) {
            case HELD -> {
                long sent = System.nanoTime();
                EtcdGateway.Position position = gateway.position(slot.queue, slot.node, slot.createRevision(), slot.leaseId());
                if (position.holds()) {
                    SharedLease shared = slot.sharedLease();
                    if (shared == null) {
                        return AcquireResult.granted(slot.createRevision());
                    }
                    slot.renewedUntil(sent + request.ttl().toNanos());
                    overdue.dueBy(slot.renewedUntilNanos());
                    return AcquireResult.granted(slot.createRevision(), shared.holdsFor(sent));
                }
                slot.forget();
            }
            case WAITING -> {
                var refreshed = gateway.keepAliveOnce(slot.leaseId());
                EtcdGateway.Position position = gateway.position(slot.queue, slot.node, slot.createRevision(), slot.leaseId());
                boolean leaseAlive = gateway.await(refreshed, "keep a waiting lease alive");
                if (position.present() && leaseAlive) {
                    return settle(position, slot.askedTtlSeconds(), true);
                }
                slot.forget();
            }
            case NONE -> {
            }
        }
        if (request.fair() || !request.autoRenew()) {
            return enqueueOnOwnLease();
        }
        // Woken by the holder's deletion, the lock is most likely free: put at once, one round trip.
        if (slot.hasWaiters() && !slot.aheadDeleted()) {
            // Read, rather than follow an earlier denial's holder from that denial's revision: etcd
            // serves a watch whose start revision is already past only at its next sync of unsynced
            // watchers (every 100 ms), which measured ~85 ms per hand-off; from the head read's
            // revision the watch is current and hears the release at once.
            EtcdGateway.Head head = gateway.head(slot.queue);
            if (head.key() != null && !head.key().equals(slot.node)) {
                slot.denied(head.key(), head.revision());
                return AcquireResult.denied();
            }
        }
        return enqueueOnSharedLease(true);
    }

    private AcquireResult enqueueOnSharedLease(boolean retryOnMissingLease) {
        SharedLease lease = sharedLeases.retain(request.ttl());
        // The lease started when we asked, not when the answer came: expire early rather than late.
        long sent = System.nanoTime();
        EtcdGateway.Position position;
        try {
            position = gateway.enqueue(slot.queue, slot.node, slot.owner, lease.id());
        } catch (LockBackendException e) {
            sharedLeases.release(lease);
            if (EtcdErrors.leaseNotFound(e) && retryOnMissingLease) {
                sharedLeases.forget(lease); // expired or revoked before the keep-alive told us
                return enqueueOnSharedLease(false);
            }
            // The node may exist now, on a lease that other locks keep alive: end it at its TTL.
            overdue.orphan(slot.key, slot.owner, sent + request.ttl().toNanos());
            throw e;
        }
        if (!position.present()) {
            sharedLeases.release(lease);
            return AcquireResult.denied();
        }
        if (position.leaseId() != lease.id()) {
            // Our node was there already (an earlier attempt whose reply was lost), on another lease.
            sharedLeases.release(lease);
            return settle(position, 0, false);
        }
        if (position.holds()) {
            slot.heldOnShared(position, lease, sent + request.ttl().toNanos());
            overdue.dueBy(slot.renewedUntilNanos());
            return AcquireResult.granted(position.createRevision(), validity(lease, sent));
        }
        sharedLeases.release(lease);
        // Unfair, and someone else holds it: take our node out again, and follow the holder.
        takeOutDenied(slot, position, gateway, overdue);
        return AcquireResult.denied();
    }

    /**
     * How long the grant surely holds: until the shared lease's last answered keep-alive runs out.
     * When its keep-alives fail, the lock is released again and the attempt fails: the engine must
     * not count on a lease that nobody can say is alive.
     */
    private Duration validity(SharedLease lease, long sent) {
        return validity(slot, lease, sent, request.ttl(), gateway, overdue);
    }

    /** {@link #validity(SharedLease, long)} of a grant to {@code slot}, also for a {@link HandOver}. */
    static Duration validity(LockSlot slot, SharedLease lease, long sent, Duration ttl, EtcdGateway gateway, OverdueLocks overdue) {
        try {
            return lease.holdsFor(sent);
        } catch (LockBackendException e) {
            long createRevision = slot.createRevision();
            slot.forget();
            try {
                gateway.delete(slot.node, createRevision);
            } catch (LockBackendException notDeleted) {
                overdue.orphan(slot.key, slot.owner, sent + ttl.toNanos());
            }
            throw e;
        }
    }

    private AcquireResult enqueueOnOwnLease() {
        long lease = gateway.grant(request.ttl());
        EtcdGateway.Position position;
        try {
            position = gateway.enqueue(slot.queue, slot.node, slot.owner, lease);
        } catch (RuntimeException e) {
            // The node may or may not exist now; without its lease it is gone soon (or at once).
            gateway.revokeQuietly(lease);
            throw e;
        }
        if (position.leaseId() != lease) {
            gateway.revokeQuietly(lease);
            if (!position.present()) {
                return AcquireResult.denied();
            }
            return settle(position, 0, false);
        }
        if (!position.present()) {
            return AcquireResult.denied();
        }
        // The TTL we asked for, not the one etcd granted (raised to its minimum for short leases):
        // renewals with the same TTL then keep this lease alive instead of moving the node each time.
        return settle(position, EtcdGateway.seconds(request.ttl()), true);
    }

    /**
     * Where our node stands decides: held, waiting (fair), or taken out again (unfair, another holds).
     * {@code ownsLease}: the node's lease was granted by this attempt for it alone, so ours to revoke.
     * A node found there already (an earlier attempt whose reply was lost) keeps its lease, which we
     * cannot tell apart from another instance's; its TTL is unknown, and 0 makes the next renewal
     * move it onto a lease of the asked TTL.
     */
    private AcquireResult settle(EtcdGateway.Position position, long ttlSeconds, boolean ownsLease) {
        if (position.holds()) {
            slot.held(position, ttlSeconds, ownsLease);
            return AcquireResult.granted(position.createRevision());
        }
        if (request.fair()) {
            slot.waiting(position, ttlSeconds);
            return AcquireResult.denied();
        }
        // Unfair, and another contender got in between.
        takeOutDenied(slot, position, gateway, overdue);
        if (ownsLease) {
            gateway.revokeQuietly(position.leaseId());
        }
        return AcquireResult.denied();
    }

    /**
     * A denied unfair node at {@code position} leaves the queue again; the waiter follows the node that
     * was ahead. When etcd does not answer, the node may still be there, on a lease that other locks
     * keep alive, and would hold the key for nobody once the holder goes: it is ended as soon as etcd
     * answers again.
     */
    static void takeOutDenied(LockSlot slot, EtcdGateway.Position position, EtcdGateway gateway, OverdueLocks overdue) {
        ByteSequence ahead = Objects.requireNonNull(position.ahead(), "a denied node has one ahead of it");
        EtcdGateway.Head followed;
        try {
            followed = gateway.takeOut(slot.node, position.createRevision(), ahead);
        } catch (LockBackendException e) {
            overdue.orphan(slot.key, slot.owner, System.nanoTime());
            throw e;
        }
        slot.deniedAndTakenOut(ahead, followed);
    }
}
