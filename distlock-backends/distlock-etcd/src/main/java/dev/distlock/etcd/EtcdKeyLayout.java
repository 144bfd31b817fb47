package dev.distlock.etcd;

import java.nio.charset.StandardCharsets;

import io.etcd.jetcd.ByteSequence;

/**
 * The etcd key layout: lock {@code key} has the queue {@code <prefix>/<escaped key>/} and each
 * contender (holder or waiter) one node {@code <prefix>/<escaped key>/<escaped owner>} in it.
 *
 * <p>Keys may hold any Unicode and '/': escaping '%' as {@code %25} and '/' as {@code %2F} keeps
 * the text readable in {@code etcdctl get --prefix} while no key's queue is a prefix of another's
 * ({@code a/} never starts {@code a%2Fb/}). Keys are stored as UTF-8; a few KiB are fine for etcd.
 */
final class EtcdKeyLayout {

    private final String prefix;

    EtcdKeyLayout(String prefix) {
        this.prefix = prefix;
    }

    /** {@code <prefix>/}: every key of this backend, for the health check. */
    ByteSequence root() {
        return bytes(prefix + "/");
    }

    /** {@code <prefix>/<escaped key>/}: all contenders of one lock. */
    ByteSequence queue(String key) {
        return bytes(queueText(key));
    }

    /** {@code <prefix>/<escaped key>/<escaped owner>}: one contender's node. */
    ByteSequence node(String key, String owner) {
        return bytes(queueText(key) + escape(owner));
    }

    /** The queue {@code node} is in: its name up to the last '/', which an escaped owner never holds. */
    static ByteSequence queueOf(ByteSequence node) {
        byte[] bytes = node.getBytes();
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '/') {
            end--;
        }
        return node.substring(0, end);
    }

    /** "/distlock", "distlock/" and "/distlock/" all mean the same prefix; "" and "/" mean none. */
    static String normalizePrefix(String prefix) {
        String trimmed = prefix == null ? "" : prefix.strip();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.isEmpty()) {
            return "";
        }
        return trimmed.startsWith("/") ? trimmed : "/" + trimmed;
    }

    static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    static String escape(String text) {
        return text.replace("%", "%25").replace("/", "%2F");
    }

    private String queueText(String key) {
        return prefix + "/" + escape(key) + "/";
    }
}
