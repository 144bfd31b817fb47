package dev.distlock.redis;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import dev.distlock.spi.ReleaseNotifications.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The waiters of one backend, by lock key. The backend's subscription feeds
 * {@link #keyMayBeFree(String, String)}; each waiter's callback runs when its key is published,
 * a fair waiter's only when it is named as the head of the queue.
 */
final class ReleaseWaiters {

    private static final Logger log = LoggerFactory.getLogger(ReleaseWaiters.class);

    private final ConcurrentHashMap<String, Set<Waiter>> byKey = new ConcurrentHashMap<>();

    /** A waiter woken by every message of its key. */
    Subscription add(String key, Runnable onChange) {
        return add(key, null, false, onChange);
    }

    /** {@code queued}: {@code owner} waits in the key's fair queue, and is woken only when it is first in line. */
    Subscription add(String key, String owner, boolean queued, Runnable onChange) {
        Waiter waiter = new Waiter(owner, queued, onChange);
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

    /** Runs the callbacks of every waiter on {@code key}; a failing callback does not stop the others. */
    void keyMayBeFree(String key) {
        keyMayBeFree(key, null);
    }

    /**
     * Runs the callbacks of the waiters on {@code key} that may now be granted: with a {@code head},
     * that owner and the waiters outside the fair queue; without, every waiter.
     */
    void keyMayBeFree(String key, String head) {
        Set<Waiter> waiters = byKey.get(key);
        if (waiters == null) {
            return;
        }
        for (Waiter waiter : waiters) {
            if (head != null && waiter.queued && !head.equals(waiter.owner)) {
                continue; // behind the head: it would be denied
            }
            try {
                waiter.onChange.run();
            } catch (RuntimeException e) {
                log.warn("A waiter's release callback failed for key {}", key, e);
            }
        }
    }

    /** Wakes every waiter, e.g. after the subscription was re-established and messages may be lost. */
    void everyKeyMayBeFree() {
        byKey.keySet().forEach(this::keyMayBeFree);
    }

    /** Wakes every waiter of the keys that {@code which} accepts. */
    void keysMayBeFree(Predicate<String> which) {
        byKey.keySet().stream().filter(which).forEach(this::keyMayBeFree);
    }

    boolean hasWaiters(String key) {
        return byKey.containsKey(key);
    }

    int keyCount() {
        return byKey.size();
    }

    /** One subscription; compared by identity, since the same Runnable may be subscribed twice. */
    private static final class Waiter {
        private final String owner;
        private final boolean queued;
        private final Runnable onChange;

        private Waiter(String owner, boolean queued, Runnable onChange) {
            this.owner = owner;
            this.queued = queued;
            this.onChange = onChange;
        }
    }
}
