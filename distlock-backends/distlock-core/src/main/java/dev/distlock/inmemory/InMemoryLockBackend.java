package dev.distlock.inmemory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.BackendCapabilities;
import dev.distlock.spi.BackendCapabilities.FencingStrength;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.KeyHandOver;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.NonBlockingBackend;
import dev.distlock.spi.ReleaseNotifications;
import dev.distlock.spi.support.WaiterRegistry;

/**
 * Locks within one JVM: the whole SPI (fencing, release notification, fair queues) for tests and
 * single-instance applications. Every engine built on the same instance competes for the same
 * locks, as separate JVMs would on a shared store.
 *
 * <p>Fencing tokens come from one counter for all keys, so they grow per key without per-key state
 * that would have to be kept forever.
 */
public final class InMemoryLockBackend implements LockBackend, ReleaseNotifications, KeyHandOver, NonBlockingBackend {

    private static final BackendCapabilities CAPABILITIES = new BackendCapabilities(true, FencingStrength.LOCAL);

    private final Clock clock;
    // One mutex for all keys: contention here is nanoseconds, far below any store's round trip.
    private final ReentrantLock mutex = new ReentrantLock();
    private final Map<String, Holder> holders = new HashMap<>();
    private final Map<String, Set<String>> queues = new HashMap<>();
    private final WaiterRegistry<String> waiters = new WaiterRegistry<>();
    private long lastToken;

    public InMemoryLockBackend() {
        this(Clock.systemUTC());
    }

    public InMemoryLockBackend(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "in-memory";
    }

    @Override
    public BackendCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public AcquireResult tryAcquire(AcquireRequest request) {
        long now = clock.millis();
        mutex.lock();
        try {
            return tryAcquireLocked(request, now);
        } finally {
            mutex.unlock();
        }
    }

    @Override
    public AcquireResult handOver(String key, String owner, AcquireRequest next) {
        long now = clock.millis();
        boolean released = false;
        AcquireResult result;
        mutex.lock();
        try {
            Holder holder = liveHolder(key, now);
            if (holder != null && holder.owner.equals(owner)) {
                holders.remove(key);
                released = true;
            }
            result = tryAcquireLocked(next, now);
        } finally {
            mutex.unlock();
        }
        if (released && result instanceof AcquireResult.Denied) {
            waiters.wake(key); // a fair queue's first in line may take it now
        }
        return result;
    }

    /** One attempt; call with the mutex held. */
    private AcquireResult tryAcquireLocked(AcquireRequest request, long now) {
        Holder holder = liveHolder(request.key(), now);
        if (holder != null) {
            if (holder.owner.equals(request.owner())) {
                return AcquireResult.granted(holder.token);
            }
            enqueueIfFair(request);
            return AcquireResult.denied(Duration.ofMillis(holder.expiresAtMillis - now));
        }
        Set<String> queue = queues.get(request.key());
        if (queue != null && !queue.isEmpty() && !isFirst(queue, request.owner())) {
            enqueueIfFair(request);
            return AcquireResult.denied();
        }
        if (queue != null) {
            queue.remove(request.owner());
            if (queue.isEmpty()) {
                queues.remove(request.key());
            }
        }
        long token = ++lastToken;
        holders.put(request.key(), new Holder(request.owner(), token, now + request.ttl().toMillis()));
        return AcquireResult.granted(token);
    }

    @Override
    public boolean renew(String key, String owner, Duration ttl) {
        long now = clock.millis();
        mutex.lock();
        try {
            Holder holder = liveHolder(key, now);
            if (holder == null || !holder.owner.equals(owner)) {
                return false;
            }
            holders.put(key, new Holder(owner, holder.token, now + ttl.toMillis()));
            return true;
        } finally {
            mutex.unlock();
        }
    }

    @Override
    public boolean release(String key, String owner) {
        boolean released;
        mutex.lock();
        try {
            Holder holder = liveHolder(key, clock.millis());
            released = holder != null && holder.owner.equals(owner);
            if (released) {
                holders.remove(key);
            }
        } finally {
            mutex.unlock();
        }
        if (released) {
            waiters.wake(key);
        }
        return released;
    }

    @Override
    public void withdraw(String key, String owner) {
        boolean wasFirst;
        mutex.lock();
        try {
            Set<String> queue = queues.get(key);
            if (queue == null) {
                return;
            }
            wasFirst = isFirst(queue, owner);
            queue.remove(owner);
            if (queue.isEmpty()) {
                queues.remove(key);
            }
        } finally {
            mutex.unlock();
        }
        if (wasFirst) {
            waiters.wake(key);
        }
    }

    @Override
    public BackendHealth health() {
        return BackendHealth.up(Map.of("scope", "this JVM only"));
    }

    @Override
    public Subscription subscribe(String key, String owner, Runnable onChange) {
        return waiters.add(key, onChange);
    }

    /** The current holder, forgetting one whose lease ran out. Call with the mutex held. */
    private @Nullable Holder liveHolder(String key, long nowMillis) {
        Holder holder = holders.get(key);
        if (holder != null && nowMillis >= holder.expiresAtMillis) {
            holders.remove(key);
            return null;
        }
        return holder;
    }

    private void enqueueIfFair(AcquireRequest request) {
        if (request.fair()) {
            queues.computeIfAbsent(request.key(), k -> new LinkedHashSet<>()).add(request.owner());
        }
    }

    private static boolean isFirst(Set<String> queue, String owner) {
        return !queue.isEmpty() && queue.iterator().next().equals(owner);
    }

    /** Times in epoch millis of the backend's clock: no Instant per call. */
    private record Holder(String owner, long token, long expiresAtMillis) {
    }
}
