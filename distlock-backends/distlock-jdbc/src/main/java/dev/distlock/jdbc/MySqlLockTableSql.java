package dev.distlock.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

import dev.distlock.spi.AcquireResult;

/**
 * MySQL 8 and MariaDB: acquisition is one {@code INSERT ... ON DUPLICATE KEY UPDATE}; the result is
 * read back by key. Times are {@code UTC_TIMESTAMP(3)}, which MySQL evaluates once per statement and
 * which does not depend on the session time zone (unlike {@code NOW()}).
 */
final class MySqlLockTableSql extends LockTableSql {

    /**
     * Params: 1 key_hash, 2 lock_key, 3 owner, 4 ttl ms, 5 owner, 6 owner, 7 ttl ms.
     * Inserts a never-seen key with token 1, takes over an expired row (token + 1), or extends the
     * lease of the owner that holds it (token unchanged); leaves a row held by another owner as is.
     * The outcome is read with {@link #STATE}.
     *
     * <p>Right under both ways a server may evaluate the SET list: left to right, each assignment
     * seeing the ones before it (MySQL, MariaDB by default), or all from the old row (MariaDB's
     * {@code SIMULTANEOUS_ASSIGNMENT} sql_mode). token, acquired_at and owner read only expires_at,
     * which is assigned after them, so they see its old value either way. expires_at reads owner,
     * which may be new or old: its condition "expired, or owned by us" has the same answer for both
     * (after a takeover the new owner is us; otherwise owner did not change). Keep expires_at last.
     */
    static final String ACQUIRE = """
            INSERT INTO {table} (key_hash, lock_key, owner, token, acquired_at, expires_at)
            VALUES (?, ?, ?, 1, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3) + INTERVAL ? * 1000 MICROSECOND)
            ON DUPLICATE KEY UPDATE
                token       = IF(expires_at <= UTC_TIMESTAMP(3), token + 1, token),
                acquired_at = IF(expires_at <= UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), acquired_at),
                owner       = IF(expires_at <= UTC_TIMESTAMP(3), ?, owner),
                expires_at  = IF(expires_at <= UTC_TIMESTAMP(3) OR owner = ?,
                                 UTC_TIMESTAMP(3) + INTERVAL ? * 1000 MICROSECOND, expires_at)
            """;

    /** Params: 1 ttl ms, 2 key_hash, 3 owner. Updates one row while the owner's lease runs. */
    static final String RENEW = """
            UPDATE {table} SET expires_at = UTC_TIMESTAMP(3) + INTERVAL ? * 1000 MICROSECOND
             WHERE key_hash = ? AND owner = ? AND expires_at > UTC_TIMESTAMP(3)
            """;

    /** Params: 1 key_hash, 2 owner. Ends the owner's running lease; the row and its token stay. */
    static final String RELEASE = """
            UPDATE {table} SET expires_at = UTC_TIMESTAMP(3)
             WHERE key_hash = ? AND owner = ? AND expires_at > UTC_TIMESTAMP(3)
            """;

    /** Param: 1 key_hash. Returns owner, token, milliseconds left by the database clock. */
    static final String STATE = """
            SELECT owner, token, TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(3), expires_at) DIV 1000
              FROM {table} WHERE key_hash = ?
            """;

    /** Param: 1 idle ms. Deletes rows expired for longer than that (their token counters restart). */
    static final String PURGE = """
            DELETE FROM {table} WHERE expires_at < UTC_TIMESTAMP(3) - INTERVAL ? * 1000 MICROSECOND
            """;

    private final String acquire = forTable(ACQUIRE);

    MySqlLockTableSql(String table, int timeoutSeconds) {
        super(table, timeoutSeconds, RENEW, RELEASE, STATE, PURGE);
    }

    @Override
    AcquireResult acquire(Connection connection, String keyHash, String key, String owner, long ttlMillis)
            throws SQLException {
        long ttl = leaseMillis(ttlMillis);
        update(connection, acquire, keyHash, key, owner, ttl, owner, owner, ttl);
        return readBack(connection, keyHash, owner);
    }
}
