package dev.distlock.zookeeper;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.distlock.spi.ReleaseNotifications.Subscription;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's wake-up callbacks per (key, owner), and the watchers that call them. A denied owner
 * watches exactly one node: a fair one its predecessor in the queue, so a release wakes the next in
 * line only; an unfair one the holder, so a release wakes every unfair waiter of the key (in every
 * JVM), and each of them tries again, one of them with success.
 */
final class ReleaseWaiters {

    private static final Logger log = LoggerFactory.getLogger(ReleaseWaiters.class);

    private final ConcurrentMap<LockId, Set<Runnable>> callbacks = new ConcurrentHashMap<>();

    Subscription subscribe(LockId id, Runnable onChange) {
        callbacks.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(onChange);
        return () -> callbacks.computeIfPresent(id, (k, set) -> {
            set.remove(onChange);
            return set.isEmpty() ? null : set;
        });
    }

    /**
     * The watcher to leave on the node that {@code id} waits for. Equal for equal ids, so that a
     * waiter which asks again (the engine's safety poll) leaves one watch on that node, not one
     * per attempt: ZooKeeper keeps a set of watchers per path.
     */
    Watcher watcherFor(LockId id) {
        return new WakeUp(id, this);
    }

    void wake(LockId id) {
        Set<Runnable> set = callbacks.get(id);
        if (set != null) {
            set.forEach(ReleaseWaiters::run);
        }
    }

    /** After a reconnection or a lost session: watches may be gone, everyone looks again. */
    void wakeAll() {
        callbacks.values().forEach(set -> set.forEach(ReleaseWaiters::run));
    }

    void clear() {
        callbacks.clear();
    }

    private static void run(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            log.warn("A lock wake-up callback failed", e);
        }
    }

    private record WakeUp(LockId id, ReleaseWaiters waiters) implements Watcher {
        @Override
        public void process(WatchedEvent event) {
            // Any event on the watched node (deleted, or the session's state changing) is worth a look.
            waiters.wake(id);
        }
    }
}
