package dev.distlock.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

import dev.distlock.spi.AcquireResult;

/**
 * Standard SQL for databases without a dialect here: a conditional UPDATE decides an existing key in
 * one statement; a key never seen is INSERTed, and the loser of two racing INSERTs gets a
 * duplicate-key error that reads as "denied". Time arithmetic uses the JDBC escape
 * {@code {fn TIMESTAMPADD(SQL_TSI_SECOND, n, CURRENT_TIMESTAMP)}}, which drivers translate; leases
 * are rounded up to whole seconds, and the remaining time of a holder is not reported.
 * {@code CURRENT_TIMESTAMP} is a TIMESTAMP WITH TIME ZONE in standard SQL, and the table's times are
 * too: they compare as instants, whatever the session's time zone or a daylight-saving change.
 */
final class PortableLockTableSql extends LockTableSql {

    /**
     * Params: 1 owner, 2 ttl seconds, 3 key_hash, 4 owner.
     * Takes over an expired row (token + 1) or extends the lease of the owner that holds it (token
     * unchanged). The SET list reads the old row. Updates no row when another owner holds the key or
     * the key was never seen.
     */
    static final String ACQUIRE_EXISTING = """
            UPDATE {table} SET
                token       = CASE WHEN expires_at <= CURRENT_TIMESTAMP THEN token + 1 ELSE token END,
                acquired_at = CASE WHEN expires_at <= CURRENT_TIMESTAMP THEN CURRENT_TIMESTAMP ELSE acquired_at END,
                owner       = ?,
                expires_at  = {fn TIMESTAMPADD(SQL_TSI_SECOND, ?, CURRENT_TIMESTAMP)}
             WHERE key_hash = ? AND (expires_at <= CURRENT_TIMESTAMP OR owner = ?)
            """;

    /** Params: 1 key_hash, 2 lock_key, 3 owner, 4 ttl seconds. First grant of a key: token 1. */
    static final String ACQUIRE_NEW = """
            INSERT INTO {table} (key_hash, lock_key, owner, token, acquired_at, expires_at)
            VALUES (?, ?, ?, 1, CURRENT_TIMESTAMP, {fn TIMESTAMPADD(SQL_TSI_SECOND, ?, CURRENT_TIMESTAMP)})
            """;

    /** Params: 1 ttl seconds, 2 key_hash, 3 owner. Updates one row while the owner's lease runs. */
    static final String RENEW = """
            UPDATE {table} SET expires_at = {fn TIMESTAMPADD(SQL_TSI_SECOND, ?, CURRENT_TIMESTAMP)}
             WHERE key_hash = ? AND owner = ? AND expires_at > CURRENT_TIMESTAMP
            """;

    /** Params: 1 key_hash, 2 owner. Ends the owner's running lease; the row and its token stay. */
    static final String RELEASE = """
            UPDATE {table} SET expires_at = CURRENT_TIMESTAMP
             WHERE key_hash = ? AND owner = ? AND expires_at > CURRENT_TIMESTAMP
            """;

    /** Param: 1 key_hash. Returns owner, token, and SQL NULL: the time left is not computed portably. */
    static final String STATE = """
            SELECT owner, token, CAST(NULL AS BIGINT) FROM {table} WHERE key_hash = ?
            """;

    /** Param: 1 idle seconds. Deletes rows expired for longer than that (their token counters restart). */
    static final String PURGE = """
            DELETE FROM {table} WHERE {fn TIMESTAMPADD(SQL_TSI_SECOND, ?, expires_at)} < CURRENT_TIMESTAMP
            """;

    private final String acquireExisting = forTable(ACQUIRE_EXISTING);
    private final String acquireNew = forTable(ACQUIRE_NEW);

    PortableLockTableSql(String table, int timeoutSeconds) {
        super(table, timeoutSeconds, RENEW, RELEASE, STATE, PURGE);
    }

    /** Whole seconds, rounded up: a lease is never shorter than asked. */
    @Override
    long leaseMillis(long ttlMillis) {
        return (Math.max(0, ttlMillis) + 999) / 1000;
    }

    @Override
    AcquireResult acquire(Connection connection, String keyHash, String key, String owner, long ttlMillis)
            throws SQLException {
        long ttlSeconds = leaseMillis(ttlMillis);
        if (update(connection, acquireExisting, owner, ttlSeconds, keyHash, owner) == 0) {
            try {
                update(connection, acquireNew, keyHash, key, owner, ttlSeconds);
            } catch (SQLException e) {
                if (!JdbcErrors.isDuplicateKey(e)) {
                    throw e;
                }
                // The key exists: held by another owner, or inserted by a racing first acquisition.
            }
        }
        return readBack(connection, keyHash, owner);
    }
}
