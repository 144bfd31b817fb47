package dev.distlock.etcd;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.distlock.spi.LeaseLossSignals.LeaseLossListener;
import dev.distlock.spi.LockBackendException;

/**
 * What the watches on held nodes report. A deleted node is a lost lock: the engine hears it at once.
 * A watch can also end without a deletion: etcd cancels one whose start revision it has compacted
 * away (as when jetcd resumes it after a lost connection), and jetcd gives up on a stream that failed
 * with other than UNAVAILABLE or INTERNAL. The deletion it was there to report may have happened
 * meanwhile, so the node is read again: reported lost if gone, watched anew from the revision read if
 * not, and read again a little later while etcd cannot be reached.
 */
final class HeldNodes implements LockSlot.HeldNodeListener {

    private static final Logger log = LoggerFactory.getLogger(HeldNodes.class);

    /** Between two reads of a held node whose watch ended while etcd could not be read. */
    static final Duration RETRY_DELAY = Duration.ofMillis(500);

    private enum Look { HELD, GONE, UNKNOWN }

    private final EtcdGateway gateway;
    private final Supplier<LeaseLossListener> engine;
    private final Consumer<LockSlot> retireIfIdle;
    private final Executor retryLater;
    private final AtomicLong watchesRestarted = new AtomicLong();

    HeldNodes(EtcdGateway gateway, Supplier<LeaseLossListener> engine, Consumer<LockSlot> retireIfIdle, Executor events) {
        this.gateway = gateway;
        this.engine = engine;
        this.retireIfIdle = retireIfIdle;
        this.retryLater = CompletableFuture.delayedExecutor(RETRY_DELAY.toMillis(), TimeUnit.MILLISECONDS, events);
    }

    /** etcd deleted our held node (lease expired or revoked, or someone deleted it): tell the engine. */
    @Override
    public void deleted(LockSlot slot, long createRevision) {
        slot.lock();
        try {
            if (!heldAt(slot, createRevision)) {
                return;
            }
            slot.forget();
        } finally {
            slot.unlock();
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
        Look look;
        slot.lock();
        try {
            if (!heldAt(slot, createRevision) || slot.watchingHeldNode()) {
                return; // released or lost meanwhile, or a renewal has watched it again already
            }
            look = look(slot);
        } finally {
            slot.unlock();
        }
        switch (look) {
            case GONE -> deleted(slot, createRevision);
            case UNKNOWN -> retryLater.execute(() -> watchEnded(slot, createRevision));
            case HELD -> {
            }
        }
    }

    /**
     * For a renewal that finds the held node's watch ended: reads the node and watches it again, under
     * the slot's lock. False when the node no longer holds; true when etcd cannot be read (the
     * renewal's own owner check has just seen the node).
     */
    boolean rewatch(LockSlot slot) {
        return look(slot) != Look.GONE;
    }

    /** How many held nodes' watches were started again after they ended, for the health details. */
    long watchesRestarted() {
        return watchesRestarted.get();
    }

    private Look look(LockSlot slot) {
        EtcdGateway.Position position;
        try {
            position = gateway.position(slot.queue, slot.node, slot.createRevision(), slot.leaseId());
        } catch (LockBackendException e) {
            log.debug("The watch on held lock {} ended and etcd could not be read; reading again in {}: {}",
                    slot.key, RETRY_DELAY, e.getMessage());
            return Look.UNKNOWN;
        }
        if (!position.holds()) {
            return Look.GONE;
        }
        slot.watchHeldNode(position.revision());
        watchesRestarted.incrementAndGet();
        log.debug("The watch on held lock {} ended; the node is still ours and watched again", slot.key);
        return Look.HELD;
    }

    private static boolean heldAt(LockSlot slot, long createRevision) {
        return !slot.isRetired() && slot.isHeld() && slot.createRevision() == createRevision;
    }
}
