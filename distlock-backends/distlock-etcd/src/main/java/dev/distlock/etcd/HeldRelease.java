package dev.distlock.etcd;

import java.util.concurrent.CompletableFuture;

import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.ReleaseOutcome;

/**
 * The release of a held slot, blocking or sent without waiting: the slot forgets its node first, under
 * its lock (our own deletion must not be reported as a loss, and a failed delete leaves a node that
 * expires with its no longer renewed lease, or a retried release), then the guarded delete goes out.
 * What follows the answer needs no slot lock: a lease of the lock's own goes with it, the shared one
 * stays for the other locks; a delete that failed on a shared lease leaves the node to
 * {@link OverdueLocks}, since other locks keep that lease alive. The outcome tells the engine whether
 * other clients asked for the lock while it was held ({@link LockSlot#othersAskedWhileHeld}).
 */
final class HeldRelease {

    private final LockSlot slot;
    private final EtcdGateway gateway;
    private final QueueDeletions deletions;
    private final OverdueLocks overdue;
    private final long createRevision;
    private final long ownLease;
    private final boolean onSharedLease;
    private final long calledAt;
    private final boolean othersAsked;

    /** Forgets the held {@code slot}'s node; call under the slot's lock. */
    HeldRelease(LockSlot slot, EtcdGateway gateway, OverdueLocks overdue, QueueDeletions deletions) {
        this.slot = slot;
        this.gateway = gateway;
        this.deletions = deletions;
        this.overdue = overdue;
        this.createRevision = slot.createRevision();
        this.ownLease = slot.ownsLease() ? slot.leaseId() : 0;
        this.onSharedLease = slot.sharedLease() != null;
        this.calledAt = System.nanoTime();
        this.othersAsked = slot.othersAskedWhileHeld();
        slot.forget();
    }

    /** The delete, waited for under the gateway's timeout. */
    ReleaseOutcome delete() {
        long deleted;
        try {
            deleted = gateway.deletedAt(slot.node, createRevision);
        } catch (LockBackendException e) {
            notDeleted();
            throw e;
        }
        gateway.revokeQuietly(ownLease);
        return outcome(deleted);
    }

    /** The delete, sent now; the caller bounds the wait. Fails with {@link LockBackendException}. */
    CompletableFuture<ReleaseOutcome> dispatchDelete() {
        return gateway.dispatchDelete(slot.node, createRevision).whenComplete((deleted, error) -> {
            if (error != null) {
                notDeleted();
            } else {
                gateway.revokeQuietly(ownLease);
            }
        }).thenApply(this::outcome);
    }

    /** {@code deletedAt}: the revision of our node's deletion, 0 when it was not there. */
    private ReleaseOutcome outcome(long deletedAt) {
        if (deletedAt == 0) {
            return ReleaseOutcome.NOT_HELD;
        }
        if (!othersAsked) {
            return ReleaseOutcome.RELEASED;
        }
        deletions.releasedToWaiters(slot.queue, slot.node, deletedAt);
        return ReleaseOutcome.RELEASED_TO_WAITERS;
    }

    private void notDeleted() {
        if (onSharedLease) {
            overdue.orphan(slot.key, slot.owner, calledAt);
        }
    }
}
