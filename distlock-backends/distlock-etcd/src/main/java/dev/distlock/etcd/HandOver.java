package dev.distlock.etcd;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.LockBackendException;
import org.jspecify.annotations.Nullable;

/**
 * One {@code handOver} from the holder's slot to the next owner's, both under their slots' locks: one
 * transaction deletes the holder's node and creates the next owner's on the shared lease of its
 * length ({@link EtcdGateway#handOver}), so a hand-off between two threads of this JVM costs one
 * round trip and nobody else can be granted in between. The next owner's token is that put's
 * revision. Other clients' waiters watching the holder's node still wake on its deletion, find the
 * next node held and follow it.
 *
 * <p>{@link #run} answers null where one transaction cannot do it, and the backend then releases and
 * acquires as two calls: the holder's node is unknown to this backend (another instance's grant, or
 * lost), the next owner needs a lease of its own ({@code autoRenew = false}), or its node exists.
 */
final class HandOver {

    private final LockSlot holding;
    private final LockSlot next;
    private final AcquireRequest request;
    private final EtcdGateway gateway;
    private final SharedLeases sharedLeases;
    private final OverdueLocks overdue;

    HandOver(LockSlot holding, LockSlot next, AcquireRequest request, EtcdGateway gateway, SharedLeases sharedLeases,
             OverdueLocks overdue) {
        this.holding = holding;
        this.next = next;
        this.request = request;
        this.gateway = gateway;
        this.sharedLeases = sharedLeases;
        this.overdue = overdue;
    }

    @Nullable AcquireResult run() {
        if (!holding.isHeld() || request.fair() || !request.autoRenew() || next.state() != LockSlot.State.NONE) {
            return null;
        }
        SharedLease lease = sharedLeases.retain(request.ttl());
        long ownLease = holding.ownsLease() ? holding.leaseId() : 0;
        long sent = System.nanoTime();
        EtcdGateway.Position position;
        try {
            position = gateway.handOver(holding.queue, holding.node, holding.createRevision(), next.node, request.owner(), lease.id());
        } catch (LockBackendException e) {
            sharedLeases.release(lease);
            if (EtcdErrors.leaseNotFound(e)) {
                sharedLeases.forget(lease); // expired or revoked before the keep-alive told us; nothing changed
                return null;
            }
            // Either owner's node may be there now: both end at their TTL (the holder's at once, as a failed release).
            holding.forget();
            overdue.orphan(holding.key, holding.owner, sent);
            overdue.orphan(next.key, next.owner, sent + request.ttl().toNanos());
            throw e;
        }
        if (!position.present()) {
            sharedLeases.release(lease);
            return null;
        }
        // Under the holder's lock: the watch's report of its node's deletion finds it forgotten, not lost.
        holding.forget();
        gateway.revokeQuietly(ownLease);
        if (position.holds()) {
            next.heldOnShared(position, lease, sent + request.ttl().toNanos());
            overdue.dueBy(next.renewedUntilNanos());
            return AcquireResult.granted(position.createRevision(),
                    AcquireAttempt.validity(next, lease, sent, request.ttl(), gateway, overdue));
        }
        // Another client's fair waiter was queued behind the holder and holds now: take our node out again.
        sharedLeases.release(lease);
        AcquireAttempt.takeOutDenied(next, position, gateway, overdue);
        return AcquireResult.denied();
    }
}
