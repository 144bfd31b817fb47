package dev.distlock.etcd;

import java.time.Duration;

/**
 * One {@code renew} of a held lock, run under the slot's lock. etcd cannot set a lease's remaining
 * time to an arbitrary value: a keep-alive resets it to the TTL it was granted with. So:
 * <ul>
 *   <li>the same TTL (in whole seconds) as was asked for the node's lease (etcd may have granted
 *       its minimum instead, which a keep-alive then restores): one keep-alive of that lease and the
 *       owner check (CHECK: our node still exists with our create revision), in parallel;</li>
 *   <li>another TTL, longer or shorter (the engine shortens the lease to the rest of
 *       {@code holdAtLeast} before its final release): a fresh lease of that TTL, MOVE of our node
 *       onto it (guarded by our create revision, which the node keeps, and with it the fencing
 *       token and the place in the queue), then the old lease revoked.</li>
 * </ul>
 */
final class Renewal {

    private final LockSlot slot;
    private final EtcdGateway gateway;

    Renewal(LockSlot slot, EtcdGateway gateway) {
        this.slot = slot;
        this.gateway = gateway;
    }

    /** @return false when our node is gone: the lock was lost */
    boolean renew(Duration ttl) {
        // Compared with the TTL asked for at the last grant: etcd may have granted more (its minimum),
        // and a short lease would otherwise move to a fresh lease at every renewal.
        return EtcdGateway.seconds(ttl) == slot.askedTtlSeconds() ? keepAlive() : moveToNewLease(ttl);
    }

    private boolean keepAlive() {
        var refreshed = gateway.keepAliveOnce(slot.leaseId());
        boolean exists = gateway.exists(slot.node, slot.createRevision());
        return gateway.await(refreshed, "keep a lease alive") && exists;
    }

    private boolean moveToNewLease(Duration ttl) {
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
            return false;
        }
        gateway.revokeQuietly(slot.leaseId());
        slot.movedToLease(lease, EtcdGateway.seconds(ttl));
        return true;
    }
}
