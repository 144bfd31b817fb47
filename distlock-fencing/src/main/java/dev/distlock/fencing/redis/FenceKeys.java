package dev.distlock.fencing.redis;

/**
 * Where the token of a fenced Redis key is kept: a companion string key beside it, so that the
 * value itself stays what the application reads (a plain string, a plain hash). The companion is in
 * the value key's hash slot, as a script on Redis Cluster needs: {@code {<key>}:fence} hashes on the
 * whole key, and a key with a hash tag of its own keeps it first, in {@code <key>:fence}.
 */
public final class FenceKeys {

    private static final String SUFFIX = ":fence";

    private FenceKeys() {
    }

    /** The companion key of {@code key}: {@code {order:42}:fence}, or {@code {order}:42:fence} for a tagged key. */
    public static String of(String key) {
        if (key.indexOf('{') < 0 && key.indexOf('}') < 0) {
            return "{" + key + "}" + SUFFIX;
        }
        // A hash tag stays the first one. Braces that make no tag hash the whole key: not one slot on a Cluster.
        return key + SUFFIX;
    }
}
