package dev.distlock.benchmarks.support;

/** The keys of the workloads; built once, so that no workload pays for building strings. */
public final class Keys {

    /** The one key of the uncontended, contended and hand-off workloads. */
    public static final String ONE = "bench-lock";

    /** How many distinct keys the many-keys workload cycles through. */
    public static final int MANY = 10_000;

    private static final String[] MANY_KEYS = new String[MANY];

    static {
        for (int i = 0; i < MANY; i++) {
            MANY_KEYS[i] = "bench-key-" + i;
        }
    }

    private Keys() {
    }

    /** The {@code i}-th of the many keys, round robin. */
    public static String many(int i) {
        return MANY_KEYS[Math.floorMod(i, MANY)];
    }
}
