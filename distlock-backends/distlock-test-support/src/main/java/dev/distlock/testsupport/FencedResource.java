package dev.distlock.testsupport;

import java.util.HashMap;
import java.util.Map;

/**
 * A resource that enforces fencing the way a user's database or storage service should: it
 * remembers the highest token it accepted per key and rejects a write carrying a lower one, so a
 * holder whose lease lapsed (GC pause, partition) cannot overwrite its successor's work.
 *
 * <p>Each accepted write is a read-modify-write of a per-key counter, so a test can compare the
 * counter with the writes it believes were accepted: any difference is a lost update.
 */
public final class FencedResource {

    private final Map<String, Long> highestToken = new HashMap<>();
    private final Map<String, Long> counters = new HashMap<>();
    private long accepted;
    private long rejectedStale;

    /** Writes under {@code token}: accepted unless a higher token was already accepted for {@code key}. */
    public synchronized boolean write(String key, long token) {
        Long highest = highestToken.get(key);
        if (highest != null && token < highest) {
            rejectedStale++;
            return false;
        }
        highestToken.put(key, token);
        counters.merge(key, 1L, Long::sum);
        accepted++;
        return true;
    }

    public synchronized long counter(String key) {
        return counters.getOrDefault(key, 0L);
    }

    public synchronized long accepted() {
        return accepted;
    }

    public synchronized long rejectedStale() {
        return rejectedStale;
    }
}
