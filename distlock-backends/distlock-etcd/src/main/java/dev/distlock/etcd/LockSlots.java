package dev.distlock.etcd;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;

import io.etcd.jetcd.Client;

import dev.distlock.spi.support.WaiterRegistry;

/**
 * The backend's {@link LockSlot}s by (key, owner): one exists while its owner holds, queues or
 * waits, and is retired as soon as it is idle, so that nothing per key outlives its use.
 */
final class LockSlots {

    private final Map<SlotId, LockSlot> slots = new ConcurrentHashMap<>();
    private final WaiterRegistry<LockSlot> waiters = new WaiterRegistry<>();
    private final EtcdKeyLayout keys;
    private final Client client;
    private final Executor events;
    private final HeldNodes heldNodes;
    private final SharedLeases sharedLeases;
    private final QueueDeletions deletions;

    LockSlots(EtcdKeyLayout keys, Client client, Executor events, HeldNodes heldNodes, SharedLeases sharedLeases,
              QueueDeletions deletions) {
        this.deletions = deletions;
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
            LockSlot slot = slots.computeIfAbsent(id, ignored -> new LockSlot(key, owner, keys, client, events, waiters, heldNodes, sharedLeases, deletions));
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
        waiters.clear();
        return leases;
    }

    private record SlotId(String key, String owner) {
    }
}
