package dev.distlock.zookeeper;

import java.util.Comparator;
import java.util.Objects;

/**
 * Where the lock nodes of a key live, and what they are called.
 *
 * <p>A key becomes ONE znode name under the base path: {@code /<base>/<encoded key>}. The encoding
 * keeps {@code [A-Za-z0-9._:@-]} readable and writes every other UTF-16 unit as {@code %XX} bytes
 * of UTF-8, so that '/', '%', control characters and any Unicode (which ZooKeeper partly rejects in
 * path elements) are safe, and distinct keys never share a name. A lone surrogate is written as the
 * three bytes of its code unit, a sequence no valid UTF-8 contains, so even malformed strings stay
 * distinct.
 *
 * <p>A lock node is {@code lock-<encoded owner>~<attempt>-<sequence>}: '~' is never produced by the
 * encoding, so {@code lock-<owner>~<attempt>-} (the <em>attempt prefix</em>) names the nodes of one
 * create call and nothing else, which lets us find the node of a create whose reply was lost.
 * ZooKeeper appends the sequence as ten digits; order in the queue is by that sequence alone.
 */
final class LockNodeNames {

    private static final String NODE_PREFIX = "lock-";
    private static final int SEQUENCE_DIGITS = 10;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** Orders node names by the sequence ZooKeeper appended, the order of the queue. */
    static final Comparator<String> BY_SEQUENCE = Comparator.comparingLong(LockNodeNames::sequence);

    private final String basePath;

    LockNodeNames(String basePath) {
        this.basePath = normalizeBasePath(basePath);
    }

    String basePath() {
        return basePath;
    }

    /** The parent (a container node) of all lock nodes of {@code key}. */
    String keyPath(String key) {
        return (basePath.equals("/") ? "" : basePath) + "/" + encode(key);
    }

    /** The name before ZooKeeper's sequence, unique to one create call of one owner. */
    static String attemptPrefix(String owner, long attempt) {
        return NODE_PREFIX + encode(owner) + "~" + attempt + "-";
    }

    static long sequence(String nodeName) {
        if (nodeName.length() < SEQUENCE_DIGITS) {
            return Long.MAX_VALUE; // not one of ours: sorts last, never looks like a holder
        }
        try {
            return Long.parseLong(nodeName.substring(nodeName.length() - SEQUENCE_DIGITS));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
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
