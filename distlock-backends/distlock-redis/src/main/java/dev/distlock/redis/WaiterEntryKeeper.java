package dev.distlock.redis;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
    // Each registration is its own object, so that a refresh that found an entry gone forgets only the one it refreshed.
    private final Map<Entry, Object> waiting = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;

    WaiterEntryKeeper(String threadName, Duration lifetime, EntryRefresher refresher) {
        this.refresher = refresher;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(threadName));
        long period = Math.max(1, lifetime.toMillis() / 3);
        scheduler.scheduleWithFixedDelay(this::refreshAll, period, period, TimeUnit.MILLISECONDS);
    }

    void waiting(String key, String owner) {
        waiting.put(new Entry(key, owner), new Object());
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

    /** Tests: returns once every refresh started or queued before this call has run. */
    void awaitRefreshes() {
        try {
            scheduler.submit(() -> { }).get(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the waiter entry keeper did not finish its refreshes", e);
        }
    }

    int size() {
        return waiting.size();
    }

    private void refreshAll() {
        for (Map.Entry<Entry, Object> registration : waiting.entrySet()) {
            Entry entry = registration.getKey();
            try {
                if (!refresher.refresh(entry.key(), entry.owner())) {
                    // Gone (granted meanwhile, or expired during a long pause): its next attempt re-queues it.
                    // A registration made while this refresh ran is a new entry, and stays.
                    waiting.remove(entry, registration.getValue());
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
