package dev.distlock.redis;

import org.springframework.data.redis.connection.ClusterSlotHashUtil;

/**
 * Names of the Redis Cluster fence counters, one per hash slot: {@code distlock:fence:{<n>}}, where
 * {@code <n>} is the smallest number whose decimal text hashes to that slot. A script may only touch
 * keys of one slot, so the counter that a lock key draws its tokens from must live in the lock
 * key's slot; at most 16384 counters exist, however many keys are locked.
 */
final class SlotFenceCounters {

    private SlotFenceCounters() {
    }

    /** The counter in the hash slot of {@code lockName} (a full Redis key name, hash tag included). */
    static String counterOf(String lockName) {
        return Table.NAMES[ClusterSlotHashUtil.calculateSlot(lockName)];
    }

    /** Filled on first use on a Cluster: about 170,000 CRC16 sums of short strings. */
    private static final class Table {

        static final String[] NAMES = build();

        private static String[] build() {
            String[] names = new String[ClusterSlotHashUtil.SLOT_COUNT];
            int filled = 0;
            for (int n = 0; filled < names.length; n++) {
                String tag = Integer.toString(n);
                int slot = ClusterSlotHashUtil.calculateSlot(tag);
                if (names[slot] == null) {
                    names[slot] = "distlock:fence:{" + tag + "}";
                    filled++;
                }
            }
            return names;
        }
    }
}
