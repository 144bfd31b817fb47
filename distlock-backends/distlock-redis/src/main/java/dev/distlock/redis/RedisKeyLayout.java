package dev.distlock.redis;

/**
 * The Redis keys behind one lock key. The per-key names share one hash tag, {@code {lock:<key>}},
 * and the fence counter is named to hash to the same slot, so that each script touches a single
 * slot and runs on Redis Cluster without CROSSSLOT errors.
 *
 * <p>The tag starts with {@code lock:} so that it is never empty (a key that starts with
 * {@code '}'} would otherwise give an empty tag and spread the keys over several slots). A key
 * that itself contains {@code '}'} still gives the same tag to all per-key names, because they all
 * begin with the same {@code {lock:<key>}} prefix. The names stay distinct for distinct keys: the
 * lock name ends with {@code '}'}, the others with their own suffix.
 *
 * <p>Nothing per key outlives the lock: the lock hash has the lease as expiry, the queue and waiter
 * sets expire once nobody refreshes them, and the fence counter is shared (see {@link #fence}).
 *
 * @param lock           hash {@code owner -> ..., token -> ...} with the lease as its PX expiry
 * @param fence          the fencing counter, INCR only, never expires: one per node
 *                       ({@link #NODE_FENCE}; every Redlock node too), one per hash slot on a
 *                       Cluster ({@link SlotFenceCounters}), shared by all keys that map to it
 * @param replacedFence  the per-key counter of versions before the shared one; the first grant
 *                       of the key starts above it and deletes it
 * @param queue          fair mode: sorted set of waiting owners, score = arrival number
 * @param queueDeadlines fair mode: sorted set of waiting owners, score = server time (ms) at
 *                       which the entry dies unless its waiter refreshes it
 * @param waiters        sorted set of the backends (release subscriber ids) waiting for the key,
 *                       score = server time (ms) at which the interest dies unless refreshed;
 *                       a release publishes only to them
 */
record RedisKeyLayout(String lock, String fence, String replacedFence, String queue, String queueDeadlines,
        String waiters) {

    /** The fence counter of a single Redis (a primary with its replicas) and of each Redlock node. */
    static final String NODE_FENCE = "distlock:fence";

    /** A single Redis or a Redlock node: one fence counter for every key. */
    static RedisKeyLayout of(String key) {
        return layout(key, NODE_FENCE);
    }

    private static RedisKeyLayout layout(String key, String fence) {
        String base = base(key);
        return new RedisKeyLayout(base, fence, base + ":fence", base + ":queue", base + ":queue-deadlines",
                base + ":waiters");
    }

    private static String base(String key) {
        return "{lock:" + key + "}";
    }
}
