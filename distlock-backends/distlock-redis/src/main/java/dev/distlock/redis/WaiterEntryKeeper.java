package dev.distlock.redis;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.distlock.spi.support.DaemonThreads;

/**
 * Keeps the server-side entries of this backend's live waiters from expiring: their places in fair
 * queues, or the backend's interest in a key's release. An entry dies {@code lifetime} after its
 * last refresh; this refreshes every entry at a third of that, between the engine's attempts, until
 * the waiter is granted or withdraws. When the JVM dies the refreshing stops, and the entry stops
 * blocking the queue (or drawing release messages) one lifetime later.
 */
final class WaiterEntryKeeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WaiterEntryKeeper.class);

    /** Refreshes one entry; false when it is gone (it is then forgotten). */
    @FunctionalInterface
    interface EntryRefresher {
        boolean refresh(String key, String owner);
    }

    private final EntryRefresher refresher;
    private final Map<Entry, Boolean> waiting = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;

    WaiterEntryKeeper(String threadName, Duration lifetime, EntryRefresher refresher) {
        this.refresher = refresher;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(threadName));
        long period = Math.max(1, lifetime.toMillis() / 3);
        scheduler.scheduleWithFixedDelay(this::refreshAll, period, period, TimeUnit.MILLISECONDS);
    }

    void waiting(String key, String owner) {
        waiting.put(new Entry(key, owner), Boolean.TRUE);
    }

    void done(String key, String owner) {
        waiting.remove(new Entry(key, owner));
    }

    boolean isWaiting(String key, String owner) {
        return waiting.containsKey(new Entry(key, owner));
    }

    /** Refreshes every entry now, off the caller's thread, e.g. after Redis may have lost them. */
    void refreshSoon() {
        try {
            scheduler.execute(this::refreshAll);
        } catch (RejectedExecutionException e) {
            // Closed: nothing to keep.
        }
    }

    int size() {
        return waiting.size();
    }

    private void refreshAll() {
        for (Entry entry : waiting.keySet()) {
            try {
                if (!refresher.refresh(entry.key(), entry.owner())) {
                    // Gone (granted meanwhile, or expired during a long pause): its next attempt re-queues it.
                    waiting.remove(entry);
                }
            } catch (RuntimeException e) {
                log.debug("Refreshing the waiter entry of {} on {} failed; retrying next round", entry.owner(), entry.key(), e);
            }
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        waiting.clear();
    }

    private record Entry(String key, String owner) {
    }
}
