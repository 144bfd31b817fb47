package dev.distlock.redis;

/**
 * The Redis keys behind one lock key. All of them share one hash tag, {@code {lock:<key>}}, so
 * that each script touches a single slot and runs on Redis Cluster without CROSSSLOT errors.
 *
 * <p>The tag starts with {@code lock:} so that it is never empty (a key that starts with
 * {@code '}'} would otherwise give an empty tag and spread the keys over several slots). A key
 * that itself contains {@code '}'} still gives the same tag to all four names, because they all
 * begin with the same {@code {lock:<key>}} prefix. The four names stay distinct for distinct
 * keys: the lock name ends with {@code '}'}, the others with their own suffix.
 *
 * @param lock           hash {@code owner -> ..., token -> ...} with the lease as its PX expiry
 * @param fence          the fencing counter: INCR only, never expires, never deleted
 * @param queue          fair mode: sorted set of waiting owners, score = arrival number
 * @param queueDeadlines fair mode: sorted set of waiting owners, score = server time (ms) at
 *                       which the entry dies unless its waiter refreshes it
 */
record RedisKeyLayout(String lock, String fence, String queue, String queueDeadlines) {

    static RedisKeyLayout of(String key) {
        String base = "{lock:" + key + "}";
        return new RedisKeyLayout(base, base + ":fence", base + ":queue", base + ":queue-deadlines");
    }
}
