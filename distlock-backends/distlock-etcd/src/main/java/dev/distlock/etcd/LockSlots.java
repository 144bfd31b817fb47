package dev.distlock.etcd;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;

import dev.distlock.spi.support.WaiterRegistry;

/**
 * The backend's {@link LockSlot}s by (key, owner): one exists while its owner holds, queues or
 * waits, and is retired as soon as it is idle, so that nothing per key outlives its use.
 */
final class LockSlots {

    /** How many denials {@link #recentDenials} keeps: callers that never come back (waitFor 0) must not grow it. */
    private static final int RECENT_DENIALS = 1024;

    private final Map<SlotId, LockSlot> slots = new ConcurrentHashMap<>();
    /**
     * The holder each denied (key, owner) saw, after its slot retired (idle once denied): the engine
     * subscribes right after a denial, and the new slot follows that holder from that revision on
     * instead of reading it again.
     */
    private final Map<SlotId, Denial> recentDenials = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<SlotId, Denial> eldest) {
            return size() > RECENT_DENIALS;
        }
    });
    private final WaiterRegistry<LockSlot> waiters = new WaiterRegistry<>();
    private final EtcdKeyLayout keys;
    private final Client client;
    private final Executor events;
    private final HeldNodes heldNodes;
    private final SharedLeases sharedLeases;

    LockSlots(EtcdKeyLayout keys, Client client, Executor events, HeldNodes heldNodes, SharedLeases sharedLeases) {
        this.keys = keys;
        this.client = client;
        this.events = events;
        this.heldNodes = heldNodes;
        this.sharedLeases = sharedLeases;
    }

    /** Runs {@code action} on the slot of (key, owner) under its lock; retires the slot when idle. */
    <T> T withSlot(String key, String owner, Function<LockSlot, T> action) {
        SlotId id = new SlotId(key, owner);
        while (true) {
            LockSlot slot = slots.computeIfAbsent(id, ignored -> {
                LockSlot created = new LockSlot(key, owner, keys, client, events, waiters, heldNodes, sharedLeases);
                Denial denial = recentDenials.remove(id);
                if (denial != null) {
                    created.denied(denial.holder(), denial.revision());
                }
                return created;
            });
            slot.lock();
            try {
                if (slot.isRetired()) {
                    continue;
                }
                try {
                    return action.apply(slot);
                } finally {
                    if (slot.idle()) {
                        slot.retire();
                        slots.remove(id, slot);
                        Denial denial = slot.pendingDenial();
                        if (denial != null) {
                            recentDenials.put(id, denial);
                        }
                    }
                }
            } finally {
                slot.unlock();
            }
        }
    }

    int size() {
        return slots.size();
    }

    /** Retires every slot, closing its watches and forgetting its waiters; returns the leases of their own still in use. */
    List<Long> shutdown() {
        List<Long> leases = new ArrayList<>();
        for (LockSlot slot : slots.values()) {
            slot.lock();
            try {
                if (slot.leaseId() != 0 && slot.ownsLease()) {
                    leases.add(slot.leaseId());
                }
                slot.shutdown();
                slot.retire();
            } finally {
                slot.unlock();
            }
        }
        slots.clear();
        recentDenials.clear();
        waiters.clear();
        return leases;
    }

    private record SlotId(String key, String owner) {
    }

    /** The holder's node a denied attempt saw, and the revision it saw it at. */
    record Denial(ByteSequence holder, long revision) {
    }
}
