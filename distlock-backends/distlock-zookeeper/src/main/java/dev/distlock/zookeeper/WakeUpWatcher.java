package dev.distlock.zookeeper;

import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;

import dev.distlock.spi.support.WaiterRegistry;

/**
 * The watcher a denied owner leaves on exactly one node: a fair one on its predecessor in the
 * queue, so a release wakes the next in line only (the first in line watches the key's holder
 * node); an unfair one on the key's holder node, so a release wakes every unfair waiter of the key
 * (in every JVM), and each of them tries again with one create, one with success.
 *
 * <p>A record: equal for equal ids, so that a waiter which asks again (the engine's safety poll)
 * leaves one watch on that node, not one per attempt, since ZooKeeper keeps a set of watchers per path.
 */
record WakeUpWatcher(LockId id, WaiterRegistry<LockId> waiters) implements Watcher {

    @Override
    public void process(WatchedEvent event) {
        // Any event on the watched node (deleted, or the session's state changing) is worth a look.
        waiters.wake(id);
    }
}
