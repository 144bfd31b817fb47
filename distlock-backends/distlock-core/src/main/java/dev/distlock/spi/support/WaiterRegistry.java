package dev.distlock.spi.support;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.distlock.spi.ReleaseNotifications;
import dev.distlock.spi.ReleaseNotifications.Subscription;

/**
 * The waiters of one backend, by key, for {@link ReleaseNotifications}: the one place where a
 * backend keeps the engine's wake-up callbacks. The backend only turns its store's signal (a pub/sub
 * message, a watch event, a NOTIFY) into {@link #wake}, and after a reconnection, when signals may
 * have been lost, into {@link #wakeAll}.
 *
 * <p>Each {@link #add} is its own subscription, compared by identity: the engine may subscribe the
 * same callback twice, and closing one must leave the other. A callback that throws is logged with
 * its key and does not keep the other waiters from being woken.
 *
 * @param <K> what a backend waits on: a lock key, a key hash, a (key, owner) pair
 */
public final class WaiterRegistry<K> {

    private static final Logger log = LoggerFactory.getLogger(WaiterRegistry.class);

    private final ConcurrentHashMap<K, Set<Waiter>> byKey = new ConcurrentHashMap<>();

    /** A waiter woken by every {@link #wake} of its key. */
    public Subscription add(K key, Runnable onChange) {
        return add(key, null, onChange);
    }

    /**
     * A waiter in {@code key}'s fair queue as {@code queuedOwner}: woken by {@link #wakeHead} only
     * when it is first in line (behind the head it would be denied). Null: not queued, woken always.
     */
    public Subscription add(K key, @Nullable String queuedOwner, Runnable onChange) {
        Waiter waiter = new Waiter(queuedOwner, Objects.requireNonNull(onChange, "onChange"));
        // Added inside compute: a set being removed as empty by a close cannot swallow it.
        byKey.compute(key, (k, waiters) -> {
            Set<Waiter> set = waiters != null ? waiters : ConcurrentHashMap.newKeySet();
            set.add(waiter);
            return set;
        });
        return () -> byKey.computeIfPresent(key, (k, waiters) -> {
            waiters.remove(waiter);
            return waiters.isEmpty() ? null : waiters;
        });
    }

    /** {@code key} may have become free: wakes every waiter on it. */
    public void wake(K key) {
        wakeHead(key, null);
    }

    /**
     * {@code key} may have become free for {@code head}, the first of its fair queue: wakes that
     * waiter and those outside the queue. A null head wakes every waiter on the key.
     */
    public void wakeHead(K key, @Nullable String head) {
        Set<Waiter> waiters = byKey.get(key);
        if (waiters == null) {
            return;
        }
        for (Waiter waiter : waiters) {
            if (head != null && waiter.queuedOwner != null && !head.equals(waiter.queuedOwner)) {
                continue;
            }
            try {
                waiter.onChange.run();
            } catch (RuntimeException e) {
                log.warn("A waiter's wake-up callback failed for {}", key, e);
            }
        }
    }

    /** Wakes the waiters of every key that {@code which} accepts. */
    public void wakeAll(Predicate<? super K> which) {
        byKey.keySet().stream().filter(which).forEach(this::wake);
    }

    /** Wakes every waiter: after a reconnection, when the store's signals may have been lost. */
    public void wakeAll() {
        byKey.keySet().forEach(this::wake);
    }

    public boolean hasWaiters(K key) {
        return byKey.containsKey(key);
    }

    /** How many keys have waiters; for health details. */
    public int keyCount() {
        return byKey.size();
    }

    /** Forgets every waiter, without waking them; for a backend's close. */
    public void clear() {
        byKey.clear();
    }

    /** One subscription; an object of its own, so that equal callbacks stay two subscriptions. */
    private static final class Waiter {

        private final @Nullable String queuedOwner;
        private final Runnable onChange;

        private Waiter(@Nullable String queuedOwner, Runnable onChange) {
            this.queuedOwner = queuedOwner;
            this.onChange = onChange;
        }
    }
}
