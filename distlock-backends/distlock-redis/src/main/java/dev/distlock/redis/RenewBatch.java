package dev.distlock.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

import org.jspecify.annotations.Nullable;

import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.RenewRequest;
import dev.distlock.spi.RenewResult;

/**
 * One {@link RedisLockScripts#RENEW_ALL_LUA} call of a renewAll batch: the leases it renews (their
 * places in the batch) and its KEYS and ARGV, encoded as the connection takes them ({@code byte[]}
 * or {@code String}). A batch is cut into calls of at most {@link #MAX_LEASES} leases, so that one
 * script never holds Redis up for long, and on a Cluster into one call per hash slot.
 */
record RenewBatch<T>(int[] leases, T[] keys, T[] args) {

    /** About half a millisecond of Redis time per call. */
    static final int MAX_LEASES = 500;

    /** How one connection's calls encode a lock name, an owner and a lease, and make arrays. */
    record Encoding<T>(Function<String, T> lockName, Function<String, T> owner, Function<Duration, T> leaseMillis,
            IntFunction<T[]> arrays) {
    }

    /**
     * @param slotOf the hash slot of an encoded lock name on a Cluster, or null where every key may go
     *               into one call
     */
    static <T> List<RenewBatch<T>> cut(List<RenewRequest> requests, Encoding<T> encoding,
            @Nullable ToIntFunction<T> slotOf) {
        List<T> names = new ArrayList<>(requests.size());
        Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            T name = encoding.lockName().apply(requests.get(i).key());
            names.add(name);
            groups.computeIfAbsent(slotOf == null ? 0 : slotOf.applyAsInt(name), slot -> new ArrayList<>()).add(i);
        }
        List<RenewBatch<T>> batches = new ArrayList<>();
        for (List<Integer> group : groups.values()) {
            for (int from = 0; from < group.size(); from += MAX_LEASES) {
                batches.add(of(group.subList(from, Math.min(group.size(), from + MAX_LEASES)), requests, names, encoding));
            }
        }
        return batches;
    }

    private static <T> RenewBatch<T> of(List<Integer> leases, List<RenewRequest> requests, List<T> names,
            Encoding<T> encoding) {
        int[] places = new int[leases.size()];
        T[] keys = encoding.arrays().apply(leases.size());
        T[] args = encoding.arrays().apply(2 * leases.size());
        @Nullable Duration lastTtl = null;
        @Nullable T lastMillis = null;
        for (int j = 0; j < places.length; j++) {
            int lease = leases.get(j);
            RenewRequest request = requests.get(lease);
            places[j] = lease;
            keys[j] = names.get(lease);
            args[2 * j] = encoding.owner().apply(request.owner());
            if (lastMillis == null || !request.ttl().equals(lastTtl)) {
                lastTtl = request.ttl();
                lastMillis = encoding.leaseMillis().apply(lastTtl);
            }
            args[2 * j + 1] = lastMillis;
        }
        return new RenewBatch<>(places, keys, args);
    }

    /**
     * Puts this call's answers (1 renewed, 0 not held), in KEYS order, into the batch's {@code results}.
     * An answer that is not one entry per lease of this call fails: read anyway, it would put answers at
     * the wrong places or leave places unanswered. {@code from} names who answered, e.g. the node.
     */
    void answer(@Nullable List<?> reply, RenewResult[] results, String from) {
        int answers = reply == null ? 0 : reply.size();
        if (reply == null || answers != leases.length) {
            throw new LockBackendException("Unexpected reply from the renew-all script on " + from + ": "
                    + answers + " answers for " + leases.length + " leases");
        }
        for (int j = 0; j < leases.length; j++) {
            results[leases[j]] = Long.valueOf(1L).equals(reply.get(j)) ? RenewResult.renewed() : RenewResult.refused();
        }
    }
}
