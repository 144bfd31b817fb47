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

    /** The counter in hash slot {@code slot}. */
    static String counterOfSlot(int slot) {
        return "distlock:fence:{" + tagOf(slot) + "}";
    }

    /** A hash tag (the text between the braces) that maps to {@code slot}; release channels use it too. */
    static String tagOf(int slot) {
        return Table.TAGS[slot];
    }

    /** Filled on first use on a Cluster: about 170,000 CRC16 sums of short strings. */
    private static final class Table {

        static final String[] TAGS = build();

        private static String[] build() {
            String[] tags = new String[ClusterSlotHashUtil.SLOT_COUNT];
            int filled = 0;
            for (int n = 0; filled < tags.length; n++) {
                String tag = Integer.toString(n);
                int slot = ClusterSlotHashUtil.calculateSlot(tag);
                if (tags[slot] == null) {
                    tags[slot] = tag;
                    filled++;
                }
            }
            return tags;
        }
    }
}
