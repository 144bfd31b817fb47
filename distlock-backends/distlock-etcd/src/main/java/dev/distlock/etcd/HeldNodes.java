package dev.distlock.etcd;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.distlock.spi.LeaseLossSignals.LeaseLossListener;
import dev.distlock.spi.LockBackendException;

/**
 * The held nodes of this backend, and the one {@link PrefixWatch} that reports their loss: a deleted
 * node is a lost lock, and the engine hears it at once. The watch can also end without a deletion:
 * etcd cancels one whose start revision it has compacted away (as when jetcd resumes it after a lost
 * connection), and jetcd gives up on a stream that failed with other than UNAVAILABLE or INTERNAL.
 * A deletion may have happened meanwhile, so the watch starts again from the store's current
 * revision and every held node is read once: reported lost if gone; read again a little later while
 * etcd cannot be reached.
 */
final class HeldNodes {

    private static final Logger log = LoggerFactory.getLogger(HeldNodes.class);

    /** Between two tries to read etcd after the watch ended while it could not be reached. */
    static final Duration RETRY_DELAY = Duration.ofMillis(500);

    private enum Look { HELD, GONE, UNKNOWN }

    private final Map<ByteSequence, LockSlot> held = new ConcurrentHashMap<>();
    /** The same slots by their queue: a deletion of another contender's node there means others ask for the lock. */
    private final Map<ByteSequence, LockSlot> heldQueues = new ConcurrentHashMap<>();
    private final EtcdGateway gateway;
    private final ByteSequence root;
    private final Supplier<LeaseLossListener> engine;
    private final Consumer<LockSlot> retireIfIdle;
    private final Executor events;
    private final Executor retryLater;
    private final PrefixWatch watch;
    private final QueueDeletions deletions;
    private final AtomicLong watchesRestarted = new AtomicLong();

    /** {@code deletions}: where every deletion the watch reports goes too, for the waiters. */
    HeldNodes(EtcdGateway gateway, Client client, ByteSequence root, Supplier<LeaseLossListener> engine,
              Consumer<LockSlot> retireIfIdle, Executor events, QueueDeletions deletions) {
        this.deletions = deletions;
        this.gateway = gateway;
        this.root = root;
        this.engine = engine;
        this.retireIfIdle = retireIfIdle;
        this.events = events;
        this.retryLater = CompletableFuture.delayedExecutor(RETRY_DELAY.toMillis(), TimeUnit.MILLISECONDS, events);
        this.watch = new PrefixWatch(client.getWatchClient(), root, this::deletedInEtcd, () -> events.execute(this::restartWatch));
    }

    /** {@code slot} holds as of {@code revision}: its node's deletion from the next revision on is a loss. */
    void track(LockSlot slot, long revision) {
        held.put(slot.node, slot);
        heldQueues.put(slot.queue, slot);
        if (!watch.covers(revision + 1)) {
            // The watch started after this read: a deletion in between would go unseen. Look once.
            long created = slot.createRevision();
            events.execute(() -> recheck(slot, created));
        }
    }

    void untrack(LockSlot slot) {
        held.remove(slot.node, slot);
        heldQueues.remove(slot.queue, slot);
    }

    /**
     * Deletions from {@code revision} on will be reported (to {@link QueueDeletions} too): starts the
     * watch from there if it is not running; false when it runs from later, or the backend is closed.
     */
    boolean covers(long revision) {
        return watch.covers(revision);
    }

    /** The watch runs: a tracked node's deletion will be reported, so a renewal need not read it. */
    boolean watching() {
        return watch.isLive();
    }

    Collection<LockSlot> slots() {
        return held.values();
    }

    /** How many held nodes were read and found still held after the watch ended, for the health details. */
    long watchesRestarted() {
        return watchesRestarted.get();
    }

    /** Every lock on {@code lease} is gone with it (etcd deletes a lease's keys when it ends). */
    void leaseGone(SharedLease lease) {
        for (LockSlot slot : held.values()) {
            slot.lock();
            try {
                if (slot.sharedLease() != lease) { // only a held lock has a shared lease
                    continue;
                }
                slot.forget();
            } finally {
                slot.unlock();
            }
            lost(slot, "etcd no longer has the shared lease of the lock: it expired or was revoked");
        }
    }

    /** {@code slot} was forgotten because its lock is gone: retire it and tell the engine. */
    void lost(LockSlot slot, String reason) {
        retireIfIdle.accept(slot);
        log.debug("Lock {} held by {} is lost: {}", slot.key, slot.owner, reason);
        LeaseLossListener listener = engine.get();
        if (listener != null) {
            listener.leaseLost(slot.key, slot.owner, reason);
        }
    }

    void close() {
        watch.close();
        held.clear();
        heldQueues.clear();
    }

    /**
     * On jetcd's thread: only look up, hand the rest to the event threads. Another contender's node
     * deleted from a queue we hold is marked on our slot there and then, so that a release right after
     * it already knows (see {@link LockSlot#othersAskedWhileHeld}).
     */
    private void deletedInEtcd(ByteSequence key, long deletedAt) {
        // The queue's name is a copy of the key's bytes: made only where someone may look it up.
        ByteSequence queue = heldQueues.isEmpty() && !deletions.anySubscribed() ? null : EtcdKeyLayout.queueOf(key);
        deletions.deleted(key, queue, deletedAt);
        LockSlot slot = held.get(key);
        if (slot != null) {
            events.execute(() -> deleted(slot, deletedAt));
            return;
        }
        LockSlot holding = queue == null ? null : heldQueues.get(queue);
        if (holding != null) {
            holding.contenderLeft(deletedAt);
        }
    }

    private void deleted(LockSlot slot, long deletedAt) {
        slot.lock();
        try {
            // A deletion of an earlier node of the same name (before ours was created) is not ours.
            if (!slot.isHeldAt(deletedAt - 1)) {
                return;
            }
            slot.forget();
        } finally {
            slot.unlock();
        }
        lost(slot, "etcd deleted the lock node: its lease expired or was revoked");
    }

    private void restartWatch() {
        long revision;
        try {
            revision = gateway.ping(root, RETRY_DELAY.multipliedBy(4)).getHeader().getRevision();
        } catch (LockBackendException e) {
            log.debug("The watch on held locks ended and etcd could not be read; trying again in {}: {}",
                    RETRY_DELAY, e.getMessage());
            retryLater.execute(this::restartWatch);
            return;
        }
        watch.restart(revision + 1);
        deletions.watchRestarted(revision + 1);
        for (LockSlot slot : held.values()) {
            recheck(slot, slot.createRevision());
        }
    }

    private void recheck(LockSlot slot, long createRevision) {
        Look look;
        slot.lock();
        try {
            if (!slot.isHeldAt(createRevision)) {
                return; // released or lost meanwhile
            }
            look = look(slot);
            if (look == Look.GONE) {
                slot.forget();
            }
        } finally {
            slot.unlock();
        }
        switch (look) {
            case GONE -> lost(slot, "the lock node is gone (read after the watch on held locks ended)");
            case UNKNOWN -> retryLater.execute(() -> recheck(slot, createRevision));
            case HELD -> {
            }
        }
    }

    private Look look(LockSlot slot) {
        EtcdGateway.Position position;
        try {
            position = gateway.position(slot.queue, slot.node, slot.createRevision(), slot.leaseId());
        } catch (LockBackendException e) {
            log.debug("Held lock {} could not be read; reading again in {}: {}", slot.key, RETRY_DELAY, e.getMessage());
            return Look.UNKNOWN;
        }
        if (!position.holds()) {
            return Look.GONE;
        }
        watchesRestarted.incrementAndGet();
        return Look.HELD;
    }
}
