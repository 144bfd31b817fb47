package dev.distlock.etcd;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.distlock.spi.LeaseLossSignals.LeaseLossListener;
import dev.distlock.spi.LockBackendException;

/**
 * What the watches on held nodes report. A deleted node is a lost lock: the engine hears it at once.
 * A watch that etcd ended (it cancels a watch whose start revision it has compacted away, as when
 * jetcd resumes one after a lost connection) may have missed that deletion among the compacted
 * events: the node is read again, reported lost if gone, watched anew from the revision read if not.
 */
final class HeldNodes implements LockSlot.HeldNodeListener {

    private static final Logger log = LoggerFactory.getLogger(HeldNodes.class);

    private final LockQueue queue;
    private final Supplier<LeaseLossListener> engine;
    private final Consumer<LockSlot> retireIfIdle;
    private final AtomicLong watchesRestarted = new AtomicLong();

    HeldNodes(LockQueue queue, Supplier<LeaseLossListener> engine, Consumer<LockSlot> retireIfIdle) {
        this.queue = queue;
        this.engine = engine;
        this.retireIfIdle = retireIfIdle;
    }

    /** etcd deleted our held node (lease expired or revoked, or someone deleted it): tell the engine. */
    @Override
    public void deleted(LockSlot slot, long createRevision) {
        synchronized (slot) {
            if (!heldAt(slot, createRevision)) {
                return;
            }
            slot.forget();
        }
        retireIfIdle.accept(slot);
        log.debug("etcd deleted the node of lock {} held by {}", slot.key, slot.owner);
        LeaseLossListener listener = engine.get();
        if (listener != null) {
            listener.leaseLost(slot.key, slot.owner, "etcd deleted the lock node: its lease expired or was revoked");
        }
    }

    @Override
    public void watchEnded(LockSlot slot, long createRevision) {
        boolean held;
        synchronized (slot) {
            held = !heldAt(slot, createRevision) || rewatch(slot);
        }
        if (!held) {
            deleted(slot, createRevision);
        }
    }

    /**
     * Reads our held node and watches it from the revision read, under the slot's monitor; false when
     * the node no longer holds. When etcd cannot be read, true: the next renewal calls this again
     * (and its own owner check sees a loss).
     */
    boolean rewatch(LockSlot slot) {
        LockQueue.Position position;
        try {
            position = queue.position(slot.queue, slot.node, slot.createRevision, slot.leaseId);
        } catch (LockBackendException e) {
            log.debug("The watch on lock {} ended and etcd could not be read; the next renewal watches again: {}",
                    slot.key, e.getMessage());
            return true;
        }
        if (!position.holds()) {
            return false;
        }
        slot.watchHeldNode(position.revision());
        watchesRestarted.incrementAndGet();
        log.debug("etcd ended the watch on held lock {} (a compaction?); the node is still ours and watched again", slot.key);
        return true;
    }

    /** How many held nodes' watches were started again after etcd ended them, for the health details. */
    long watchesRestarted() {
        return watchesRestarted.get();
    }

    private static boolean heldAt(LockSlot slot, long createRevision) {
        return !slot.retired && slot.state == LockSlot.State.HELD && slot.createRevision == createRevision;
    }
}
