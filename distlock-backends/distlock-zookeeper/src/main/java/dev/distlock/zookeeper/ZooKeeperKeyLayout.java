package dev.distlock.zookeeper;

import java.util.Comparator;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where the lock nodes of a key live, and what they are called.
 *
 * <p>A key becomes ONE znode name under the base path: {@code /<base>/<encoded key>}, the node of
 * the key's holder (a plain EPHEMERAL node, whoever holds it, fair or not). Fair requests wait in
 * {@code /<base>/<encoded key>~queue}, a CONTAINER node: '~' is never produced by the encoding, so
 * no key's node can be another key's queue. The encoding
 * keeps {@code [A-Za-z0-9._:@-]} readable and writes every other UTF-16 unit as {@code %XX} bytes
 * of UTF-8, so that '/', '%', control characters and any Unicode (which ZooKeeper partly rejects in
 * path elements) are safe, and distinct keys never share a name. A lone surrogate is written as the
 * three bytes of its code unit, a sequence no valid UTF-8 contains, so even malformed strings stay
 * distinct.
 *
 * <p>A queue node is {@code lock-<encoded owner>~<attempt>-<sequence>}: '~' is never produced by the
 * encoding, so {@code lock-<owner>~<attempt>-} (the <em>attempt prefix</em>) names the nodes of one
 * create call and nothing else, which lets us find the node of a create whose reply was lost.
 *
 * <p>ZooKeeper appends the parent's child counter, a signed 32-bit int raised by every create under
 * it, as {@code %010d}. A busy fair queue that is never emptied (every fair waiter spends a number)
 * reaches {@link Integer#MAX_VALUE}, and from then on ZooKeeper 3.9 numbers every later
 * child {@code 2147483647} (the applied counter never passes it) or, for creates in flight at the
 * same time, {@code -2147483648} and up (the in-flight copy wraps). So a sequence in
 * {@code [0, 2147483647)} orders its node exactly, before every node <em>past the limit</em>
 * ({@code 2147483647} or negative); those are ordered among themselves by their creation
 * transaction id, the czxid, which the store reads for them (see {@link LockNodeReads#queue}).
 */
final class ZooKeeperKeyLayout {

    private static final String NODE_PREFIX = "lock-";
    private static final String QUEUE_SUFFIX = "~queue";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /**
     * The order of the queue as far as names tell it: by the sequence ZooKeeper appended, then the
     * nodes past the counter's limit (equal here, in their listing order: the store orders them by
     * czxid), then names that are not lock nodes of ours, so that they never look like a holder.
     */
    static final Comparator<String> QUEUE_ORDER = ZooKeeperKeyLayout::compareInQueue;

    private final String basePath;

    ZooKeeperKeyLayout(String basePath) {
        this.basePath = normalizeBasePath(basePath);
    }

    String basePath() {
        return basePath;
    }

    /** The node of {@code key}'s holder: it exists exactly while somebody holds the key. */
    String keyPath(String key) {
        return (basePath.equals("/") ? "" : basePath) + "/" + encode(key);
    }

    /** The parent (a container node) of the queue nodes of {@code key}'s fair waiters. */
    String queuePath(String key) {
        return keyPath(key) + QUEUE_SUFFIX;
    }

    /** The name before ZooKeeper's sequence, unique to one create call of one owner. */
    static String attemptPrefix(String owner, long attempt) {
        return NODE_PREFIX + encode(owner) + "~" + attempt + "-";
    }

    /**
     * The attempt prefix of a lock node's name ({@code lock-<owner>~<attempt>-}), or null when the
     * name is not one of ours.
     */
    static @Nullable String attemptPrefixOf(String nodeName) {
        int end = sequenceStart(nodeName);
        return end < 0 ? null : nodeName.substring(0, end);
    }

    /** The sequence ZooKeeper appended, or null when the name is not one of our lock nodes. */
    static @Nullable Integer sequence(String nodeName) {
        int start = sequenceStart(nodeName);
        if (start < 0) {
            return null;
        }
        try {
            return Integer.parseInt(nodeName.substring(start)); // "0000000042", "-2147483648"
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** True for a lock node that ZooKeeper numbered at or past its counter's limit: its name does not order it. */
    static boolean pastCounterLimit(String nodeName) {
        Integer sequence = sequence(nodeName);
        return sequence != null && (sequence == Integer.MAX_VALUE || sequence < 0);
    }

    private static int compareInQueue(String a, String b) {
        int byRank = Integer.compare(rank(a), rank(b));
        if (byRank != 0 || rank(a) != 0) {
            return byRank;
        }
        return Integer.compare(sequence(a), sequence(b));
    }

    /** 0: ordered by its sequence; 1: past the counter's limit; 2: not a lock node of ours. */
    private static int rank(String nodeName) {
        return sequence(nodeName) == null ? 2 : pastCounterLimit(nodeName) ? 1 : 0;
    }

    /** Where the sequence starts: after the first '-' that follows the last '~' (the encoding never writes '~'). */
    private static int sequenceStart(String nodeName) {
        int tilde = nodeName.lastIndexOf('~');
        if (!nodeName.startsWith(NODE_PREFIX) || tilde < 0) {
            return -1;
        }
        int dash = nodeName.indexOf('-', tilde);
        return dash < 0 || dash == nodeName.length() - 1 ? -1 : dash + 1;
    }

    /** One path element for any string, injective. */
    static String encode(String text) {
        if (text.isEmpty()) {
            return "%"; // no non-empty input encodes to a lone '%'
        }
        if (text.equals(".") || text.equals("..")) {
            return text.replace(".", "%2E"); // ZooKeeper forbids these as path elements
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isSafe(c)) {
                out.append(c);
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                appendUtf8(out, Character.toCodePoint(c, text.charAt(++i)));
            } else {
                appendUtf8(out, c); // a lone surrogate gets its 3-byte form, as any other char
            }
        }
        return out.toString();
    }

    private static boolean isSafe(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == ':' || c == '@' || c == '-';
    }

    private static void appendUtf8(StringBuilder out, int codePoint) {
        if (codePoint < 0x80) {
            appendByte(out, codePoint);
        } else if (codePoint < 0x800) {
            appendByte(out, 0xC0 | (codePoint >> 6));
            appendByte(out, 0x80 | (codePoint & 0x3F));
        } else if (codePoint < 0x10000) {
            appendByte(out, 0xE0 | (codePoint >> 12));
            appendByte(out, 0x80 | ((codePoint >> 6) & 0x3F));
            appendByte(out, 0x80 | (codePoint & 0x3F));
        } else {
            appendByte(out, 0xF0 | (codePoint >> 18));
            appendByte(out, 0x80 | ((codePoint >> 12) & 0x3F));
            appendByte(out, 0x80 | ((codePoint >> 6) & 0x3F));
            appendByte(out, 0x80 | (codePoint & 0x3F));
        }
    }

    private static void appendByte(StringBuilder out, int b) {
        out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
    }

    private static String normalizeBasePath(String path) {
        Objects.requireNonNull(path, "basePath");
        String trimmed = path.strip();
        if (!trimmed.startsWith("/")) {
            trimmed = "/" + trimmed;
        }
        while (trimmed.length() > 1 && trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.contains("//")) {
            throw new IllegalArgumentException("The ZooKeeper base path '" + path + "' has an empty element");
        }
        return trimmed;
    }
}
