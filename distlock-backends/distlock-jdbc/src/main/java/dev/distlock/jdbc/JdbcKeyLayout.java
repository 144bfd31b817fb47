package dev.distlock.jdbc;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Maps a lock key of any length and any Unicode to the table's fixed-width primary key.
 *
 * <p>Why a hash rather than a wide key column: InnoDB caps an index at 3072 bytes (768 utf8mb4
 * characters), below the few KiB a key may have; MySQL's default collations would also make
 * {@code "Order"} and {@code "order"} one lock. The SHA-256 of the key's UTF-8 bytes, in lowercase
 * hex, is 64 ASCII characters compared byte for byte on every database; a collision would need
 * 2^128 work and could only make two keys share a lock (less concurrency, never less exclusion).
 * A DBA finds a key's row with e.g. {@code encode(sha256(convert_to(key, 'UTF8')), 'hex')} on
 * PostgreSQL or {@code SHA2(key, 256)} on MySQL.
 */
final class JdbcKeyLayout {

    /**
     * One encoder and one digest per thread: both are stateful and reset after each use, and making
     * them anew on every call cost two provider lookups and their buffers per lock operation.
     */
    private static final ThreadLocal<Sha256> SHA256 = ThreadLocal.withInitial(Sha256::new);

    private JdbcKeyLayout() {
    }

    /** SHA-256 of the UTF-8 bytes of {@code key}, lowercase hex; rejects malformed UTF-16 (lone surrogates). */
    static String hash(String key) {
        return SHA256.get().hexOf(key);
    }

    /** The key as stored for display: PostgreSQL text cannot hold U+0000, so it shows as U+FFFD. */
    static String display(String key) {
        return key.indexOf('\0') < 0 ? key : key.replace('\0', '\uFFFD');
    }

    private static final class Sha256 {

        private final CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        private final MessageDigest digest;

        Sha256() {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("Every Java platform has SHA-256", e);
            }
        }

        /** {@code encode} resets the encoder and {@code digest()} the digest, also after a failure. */
        String hexOf(String key) {
            ByteBuffer bytes;
            try {
                bytes = utf8.encode(CharBuffer.wrap(key));
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("Lock key is not valid Unicode (lone surrogate): " + key, e);
            }
            digest.update(bytes);
            return HexFormat.of().formatHex(digest.digest());
        }
    }
}
