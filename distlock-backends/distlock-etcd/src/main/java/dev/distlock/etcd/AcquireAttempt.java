package dev.distlock.etcd;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;

/**
 * One {@code tryAcquire} on one slot, run under the slot's lock.
 *
 * <ul>
 *   <li>No node yet: a fair request enqueues at once (lease grant + ENQUEUE, two round trips) and,
 *       if denied, keeps its node: its place in the queue. An unfair request first reads the queue's
 *       head (one round trip) and is denied without writing anything when the lock is taken; a
 *       denied unfair request never leaves a node behind, so a caller that gives up without
 *       {@code withdraw} blocks nobody.</li>
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
    private final LockSlot.HeldNodeListener heldNodes;

    AcquireAttempt(LockSlot slot, AcquireRequest request, EtcdGateway gateway, LockSlot.HeldNodeListener heldNodes) {
        this.slot = slot;
        this.request = request;
        this.gateway = gateway;
        this.heldNodes = heldNodes;
    }

    AcquireResult run() {
        switch (slot.state()) {
            case HELD -> {
                EtcdGateway.Position position = gateway.position(slot.queue, slot.node, slot.createRevision(), slot.leaseId());
                if (position.holds()) {
                    return AcquireResult.granted(slot.createRevision());
                }
                slot.forget();
            }
            case WAITING -> {
                var refreshed = gateway.keepAliveOnce(slot.leaseId());
                EtcdGateway.Position position = gateway.position(slot.queue, slot.node, slot.createRevision(), slot.leaseId());
                boolean leaseAlive = gateway.await(refreshed, "keep a waiting lease alive");
                if (position.present() && leaseAlive) {
                    return settle(position, slot.askedTtlSeconds());
                }
                slot.forget();
            }
            case NONE -> {
            }
        }
        return enqueue();
    }

    private AcquireResult enqueue() {
        if (!request.fair()) {
            EtcdGateway.Head head = gateway.head(slot.queue);
            if (head.key() != null && !head.key().equals(slot.node)) {
                slot.denied(head.key(), head.revision());
                return AcquireResult.denied();
            }
        }
        long lease = gateway.grant(request.ttl());
        EtcdGateway.Position position;
        try {
            position = gateway.enqueue(slot.queue, slot.node, slot.owner, lease);
        } catch (RuntimeException e) {
            // The node may or may not exist now; without its lease it is gone soon (or at once).
            gateway.revokeQuietly(lease);
            throw e;
        }
        // The TTL we asked for, not the one etcd granted (raised to its minimum for short leases):
        // renewals with the same TTL then keep this lease alive instead of moving the node each time.
        long ttlSeconds = EtcdGateway.seconds(request.ttl());
        if (position.leaseId() != lease) {
            // Our node was there already (an earlier attempt whose reply was lost): keep its lease.
            // Its TTL is unknown here; 0 makes the next renewal move it onto a lease of the asked TTL.
            gateway.revokeQuietly(lease);
            ttlSeconds = 0;
        }
        if (!position.present()) {
            return AcquireResult.denied();
        }
        return settle(position, ttlSeconds);
    }

    private AcquireResult settle(EtcdGateway.Position position, long ttlSeconds) {
        if (position.holds()) {
            slot.held(position, ttlSeconds, heldNodes);
            return AcquireResult.granted(position.createRevision());
        }
        if (request.fair()) {
            slot.waiting(position, ttlSeconds);
            return AcquireResult.denied();
        }
        // Unfair, and another contender got in between our read of the head and our enqueue.
        gateway.delete(slot.node, position.createRevision());
        gateway.revokeQuietly(position.leaseId());
        slot.denied(position.ahead(), position.revision());
        return AcquireResult.denied();
    }
}
