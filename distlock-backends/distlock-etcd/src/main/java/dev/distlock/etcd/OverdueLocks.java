package dev.distlock.etcd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.distlock.spi.LockBackendException;

/**
 * Ends the locks that a shared lease keeps alive past their own TTL. The shared lease lives while
 * any of its locks is renewed, so a lock the engine no longer renews (maxHold reached, the engine
 * lost track of it) would outlive its TTL: every {@link #SWEEP_PERIOD} this deletes, owner-checked,
 * each node on a shared lease whose engine deadline (the last renewal's call time plus its TTL)
 * has passed, and tells the engine it is lost. A lock thus ends at most one sweep period after its
 * TTL while this process lives; a frozen or dead process stops the shared lease's keep-alives, and
 * etcd ends its locks one lease after the last one.
 *
 * <p>A sweep looks at the held locks only once the earliest deadline it knows of has passed: every
 * grant, renewal and orphan tells it its deadline ({@link #dueBy}), so that a tick with nothing due
 * costs one comparison, however many locks are held.
 *
 * <p>It also deletes nodes whose grant we could not confirm (the put's answer was lost): such a
 * node may exist on a shared lease that other locks keep alive, and nobody would renew it.
 */
final class OverdueLocks implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(OverdueLocks.class);

    static final Duration SWEEP_PERIOD = Duration.ofMillis(100);
    /** Stands for "nothing due": a deadline this far ahead is looked at again only when one comes earlier. */
    private static final long NOTHING_DUE_NANOS = Duration.ofDays(1).toNanos();

    /** A node that may exist although no slot holds it, to delete once its own lease would have ended. */
    private record Orphan(String key, String owner, long deadlineNanos) {
    }

    /** Runs an action on the slot of (key, owner) under its lock, as the backend does. */
    interface Slots {
        <T> T withSlot(String key, String owner, Function<LockSlot, T> action);
    }

    private final HeldNodes heldNodes;
    private final EtcdGateway gateway;
    private final Slots slots;
    private final Executor events;
    private final Queue<Orphan> orphans = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sweeping = new AtomicBoolean();
    /** The earliest deadline (System.nanoTime) of a held lock on a shared lease or an orphan; the next sweep's time. */
    private final AtomicLong nextDueNanos = new AtomicLong(System.nanoTime() + NOTHING_DUE_NANOS);

    OverdueLocks(HeldNodes heldNodes, EtcdGateway gateway, Slots slots, Executor events) {
        this.heldNodes = heldNodes;
        this.gateway = gateway;
        this.slots = slots;
        this.events = events;
    }

    /** The node of (key, owner) may exist on a shared lease unknown to us; delete it after {@code deadlineNanos}. */
    void orphan(String key, String owner, long deadlineNanos) {
        orphans.add(new Orphan(key, owner, deadlineNanos));
        dueBy(deadlineNanos);
    }

    /** A lock on a shared lease was granted or renewed until {@code deadlineNanos} (System.nanoTime). */
    void dueBy(long deadlineNanos) {
        long next = nextDueNanos.get();
        while (deadlineNanos - next < 0 && !nextDueNanos.compareAndSet(next, deadlineNanos)) {
            next = nextDueNanos.get();
        }
    }

    /** On the backend's timer: once something may be due, finds what is overdue cheaply, and ends it on the event threads. */
    @Override
    public void run() {
        long now = System.nanoTime();
        if (nextDueNanos.get() - now >= 0 || !sweeping.compareAndSet(false, true)) {
            return;
        }
        // From "nothing due"; every deadline still ahead (and every one set meanwhile) lowers it again.
        nextDueNanos.set(now + NOTHING_DUE_NANOS);
        List<LockSlot> overdue = new ArrayList<>();
        for (LockSlot slot : heldNodes.slots()) {
            if (slot.sharedLease() != null) {
                long deadline = slot.renewedUntilNanos();
                if (deadline - now < 0) {
                    overdue.add(slot);
                } else {
                    dueBy(deadline);
                }
            }
        }
        boolean orphansDue = false;
        for (Orphan orphan : orphans) {
            dueBy(orphan.deadlineNanos());
            orphansDue |= orphan.deadlineNanos() - now < 0;
        }
        if (overdue.isEmpty() && !orphansDue) {
            sweeping.set(false);
            return;
        }
        events.execute(() -> {
            try {
                overdue.forEach(this::end);
                deleteOrphans(now);
            } finally {
                sweeping.set(false);
            }
        });
    }

    private void end(LockSlot candidate) {
        boolean ended = slots.withSlot(candidate.key, candidate.owner, slot -> {
            long now = System.nanoTime();
            // Only a held lock has a shared lease.
            if (slot != candidate || slot.sharedLease() == null || slot.renewedUntilNanos() - now >= 0) {
                return false; // released, lost or renewed meanwhile (a renewal said its new deadline)
            }
            try {
                gateway.delete(slot.node, slot.createRevision());
            } catch (LockBackendException e) {
                log.debug("Could not end lock {} past its TTL; trying again at the next sweep: {}", slot.key, e.getMessage());
                dueBy(now);
                return false;
            }
            slot.forget();
            return true;
        });
        if (ended) {
            heldNodes.lost(candidate, "not renewed within its TTL: ended by the backend although its shared lease lives on");
        }
    }

    private void deleteOrphans(long now) {
        int count = orphans.size();
        for (int i = 0; i < count; i++) {
            Orphan orphan = orphans.poll();
            if (orphan == null) {
                return;
            }
            if (orphan.deadlineNanos() - now >= 0 || !deleteOrphan(orphan)) {
                orphans.add(orphan);
            }
        }
    }

    /** @return true when done with it: deleted, or held by a slot again (a retry got it) */
    private boolean deleteOrphan(Orphan orphan) {
        return slots.withSlot(orphan.key(), orphan.owner(), slot -> {
            if (slot.state() != LockSlot.State.NONE) {
                return true;
            }
            try {
                gateway.deleteOwn(slot.node);
                return true;
            } catch (LockBackendException e) {
                return false;
            }
        });
    }
}
