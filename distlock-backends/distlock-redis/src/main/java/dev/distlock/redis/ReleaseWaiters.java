package dev.distlock.redis;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.distlock.spi.ReleaseNotifications.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The waiters of one backend, by lock key. One shared Redis subscription feeds
 * {@link #keyMayBeFree(String)}; each waiter's callback runs when its key is published.
 */
final class ReleaseWaiters {

    private static final Logger log = LoggerFactory.getLogger(ReleaseWaiters.class);

    private final ConcurrentHashMap<String, Set<Waiter>> byKey = new ConcurrentHashMap<>();

    Subscription add(String key, Runnable onChange) {
        Waiter waiter = new Waiter(onChange);
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
        Set<Waiter> waiters = byKey.get(key);
        if (waiters == null) {
            return;
        }
        for (Waiter waiter : waiters) {
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

    int keyCount() {
        return byKey.size();
    }

    /** One subscription; compared by identity, since the same Runnable may be subscribed twice. */
    private static final class Waiter {
        private final Runnable onChange;

        private Waiter(Runnable onChange) {
            this.onChange = onChange;
        }
    }
}
