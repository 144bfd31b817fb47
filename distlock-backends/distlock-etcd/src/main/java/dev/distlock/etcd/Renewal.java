package dev.distlock.etcd;

import java.time.Duration;

import dev.distlock.spi.RenewResult;

/**
 * One {@code renew} of a held lock, run under the slot's lock. etcd cannot set a lease's remaining
 * time to an arbitrary value: a keep-alive resets it to the TTL it was granted with. So:
 * <ul>
 *   <li>on a shared lease, the same TTL (in whole seconds) as the lease's: no round trip. The
 *       shared lease's own keep-alive extends the lock; the answer is how long that lease surely
 *       holds from the call (a {@code LockBackendException} while its keep-alive fails), and the
 *       lock is still ours unless the backend's watch reported its node deleted (while that watch
 *       is down, CHECK reads the node). The backend notes until when the engine renewed it;</li>
 *   <li>on a lease of its own, the same TTL as asked for it (etcd may have granted its minimum
 *       instead, which a keep-alive then restores): one keep-alive of that lease (and CHECK while
 *       the watch is down);</li>
 *   <li>another TTL, longer or shorter (an extension, the rest of {@code holdAtLeast} before the
 *       final release, maxHold's last capped renewal): a fresh lease of exactly that TTL, MOVE of our
 *       node onto it (guarded by our create revision, which the node keeps, and with it the fencing
 *       token and the place in the queue), then the old lease revoked if it was the node's own. The
 *       node then ends with that lease, whatever other locks do.</li>
 * </ul>
 */
final class Renewal {

    private final LockSlot slot;
    private final EtcdGateway gateway;
    private final HeldNodes heldNodes;
    private final OverdueLocks overdue;

    Renewal(LockSlot slot, EtcdGateway gateway, HeldNodes heldNodes, OverdueLocks overdue) {
        this.slot = slot;
        this.gateway = gateway;
        this.heldNodes = heldNodes;
        this.overdue = overdue;
    }

    /** @param calledAtNanos when the renewal was asked for: what the answer's validity counts from */
    RenewResult renew(Duration ttl, long calledAtNanos) {
        long seconds = EtcdGateway.seconds(ttl);
        SharedLease shared = slot.sharedLease();
        if (shared != null) {
            return seconds == shared.askedSeconds() ? onSharedLease(shared, ttl, calledAtNanos) : moveToNewLease(ttl);
        }
        // Compared with the TTL asked for at the last grant: etcd may have granted more (its minimum),
        // and a short lease would otherwise move to a fresh lease at every renewal.
        return seconds == slot.askedTtlSeconds() ? keepAlive() : moveToNewLease(ttl);
    }

    private RenewResult onSharedLease(SharedLease shared, Duration ttl, long calledAtNanos) {
        if (shared.isGone()) {
            return RenewResult.refused();
        }
        Duration holds = shared.holdsFor(calledAtNanos);
        if (!heldNodes.watching() && !gateway.exists(slot.node, slot.createRevision())) {
            return RenewResult.refused();
        }
        slot.renewedUntil(calledAtNanos + ttl.toNanos());
        overdue.dueBy(slot.renewedUntilNanos());
        return holds.compareTo(ttl) >= 0 ? RenewResult.renewed() : RenewResult.renewed(holds);
    }

    private RenewResult keepAlive() {
        var refreshed = gateway.keepAliveOnce(slot.leaseId());
        boolean exists = heldNodes.watching() || gateway.exists(slot.node, slot.createRevision());
        return gateway.await(refreshed, "keep a lease alive") && exists ? RenewResult.renewed() : RenewResult.refused();
    }

    private RenewResult moveToNewLease(Duration ttl) {
        long lease = gateway.grant(ttl);
        boolean moved;
        try {
            moved = gateway.moveToLease(slot.node, slot.createRevision(), slot.owner, lease);
        } catch (RuntimeException e) {
            gateway.revokeQuietly(lease);
            throw e;
        }
        if (!moved) {
            gateway.revokeQuietly(lease);
            return RenewResult.refused();
        }
        if (slot.ownsLease()) {
            gateway.revokeQuietly(slot.leaseId());
        }
        slot.movedToOwnLease(lease, EtcdGateway.seconds(ttl));
        return RenewResult.renewed();
    }
}
