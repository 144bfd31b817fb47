package dev.distlock.jdbc;

import java.util.Collections;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One batch renewal template of a table, with the statement for each chunk size built the first time
 * that size is asked for and kept: a renewal sweep then only looks its statement up (the watchdog
 * renews every few seconds, mostly in full chunks of {@link LockTableSql#RENEW_CHUNK}).
 *
 * <p>In the template {@code {keys}} becomes one parameter per lease (the primary key lookups every
 * database plans as such), {@code {leases}} one {@code (key_hash = ? AND owner = ?)} pair per lease,
 * OR-ed: the owner check of each lease.
 */
final class ChunkStatements {

    private final String template;
    /** By chunk size; two threads that build one size at once build the same text, either is kept. */
    private final AtomicReferenceArray<String> bySize = new AtomicReferenceArray<>(LockTableSql.RENEW_CHUNK + 1);

    ChunkStatements(String template) {
        this.template = template;
    }

    /** The statement for {@code count} leases, 1 to {@link LockTableSql#RENEW_CHUNK}. */
    String forCount(int count) {
        String sql = bySize.get(count);
        if (sql == null) {
            sql = build(template, count);
            bySize.set(count, sql);
        }
        return sql;
    }

    static String build(String template, int count) {
        StringBuilder leases = new StringBuilder(count * 36);
        for (int i = 0; i < count; i++) {
            leases.append(i == 0 ? "" : " OR ").append("(key_hash = ? AND owner = ?)");
        }
        return template.replace("{keys}", String.join(", ", Collections.nCopies(count, "?")))
                .replace("{leases}", leases);
    }
}
