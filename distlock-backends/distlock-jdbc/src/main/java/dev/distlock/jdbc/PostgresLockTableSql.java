package dev.distlock.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import dev.distlock.spi.AcquireResult;

/**
 * PostgreSQL: acquisition is one {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE} that returns the
 * token in the same round trip; release notifies waiters with {@code pg_notify} in the same statement.
 * {@code now()} is the start of the (autocommit, single-statement) transaction.
 */
final class PostgresLockTableSql extends LockTableSql {

    /**
     * Params: 1 key_hash, 2 lock_key, 3 owner, 4 ttl ms.
     * Inserts a never-seen key with token 1, or takes over an expired row (token + 1), or extends the
     * lease of an owner that already holds it (token unchanged: a retry after a lost reply).
     * Returns one row (token) when granted, no row when another owner holds the key.
     */
    static final String ACQUIRE = """
            INSERT INTO {table} AS l (key_hash, lock_key, owner, token, acquired_at, expires_at)
            VALUES (?, ?, ?, 1, now(), now() + ? * INTERVAL '1 millisecond')
            ON CONFLICT (key_hash) DO UPDATE
               SET token       = CASE WHEN l.expires_at <= now() THEN l.token + 1 ELSE l.token END,
                   acquired_at = CASE WHEN l.expires_at <= now() THEN now() ELSE l.acquired_at END,
                   owner       = EXCLUDED.owner,
                   expires_at  = EXCLUDED.expires_at
             WHERE l.expires_at <= now() OR l.owner = EXCLUDED.owner
            RETURNING token
            """;

    /** Params: 1 ttl ms, 2 key_hash, 3 owner. Updates one row while the owner's lease runs. */
    static final String RENEW = """
            UPDATE {table} SET expires_at = now() + ? * INTERVAL '1 millisecond'
             WHERE key_hash = ? AND owner = ? AND expires_at > now()
            """;

    /**
     * Params: 1 key_hash, 2 owner, 3 notification channel. Ends the owner's running lease (the row and
     * its token stay) and sends the key hash on the channel; NOTIFY is delivered at commit, which is
     * the end of this autocommit statement. Returns one row when released, none otherwise.
     */
    static final String RELEASE_AND_NOTIFY = """
            WITH released AS (
                UPDATE {table} SET expires_at = now()
                 WHERE key_hash = ? AND owner = ? AND expires_at > now()
                RETURNING key_hash)
            SELECT pg_notify(?, key_hash) FROM released
            """;

    /** Param: 1 key_hash. Returns owner, token, milliseconds left by the database clock. */
    static final String STATE = """
            SELECT owner, token, CAST(CEIL(EXTRACT(EPOCH FROM (expires_at - now())) * 1000) AS BIGINT)
              FROM {table} WHERE key_hash = ?
            """;

    /** Param: 1 idle ms. Deletes rows expired for longer than that (their token counters restart). */
    static final String PURGE = """
            DELETE FROM {table} WHERE expires_at < now() - ? * INTERVAL '1 millisecond'
            """;

    private final String acquire = forTable(ACQUIRE);
    private final String channel;

    PostgresLockTableSql(String table, int timeoutSeconds) {
        super(table, timeoutSeconds, RENEW, RELEASE_AND_NOTIFY, STATE, PURGE);
        this.channel = channelFor(table);
    }

    /** The LISTEN/NOTIFY channel of a table: an unquoted identifier, so lower case, at most 63 bytes. */
    static String channelFor(String table) {
        String channel = ("distlock_" + table.replace('.', '_')).toLowerCase(java.util.Locale.ROOT);
        return channel.length() > 63 ? channel.substring(0, 63) : channel;
    }

    String channel() {
        return channel;
    }

    @Override
    AcquireResult acquire(Connection connection, String keyHash, String key, String owner, long ttlMillis)
            throws SQLException {
        try (PreparedStatement statement = prepare(connection, acquire, keyHash, key, owner, leaseMillis(ttlMillis));
             ResultSet row = statement.executeQuery()) {
            if (row.next()) {
                return AcquireResult.granted(row.getLong(1));
            }
        }
        return readBack(connection, keyHash, owner);
    }

    @Override
    boolean release(Connection connection, String keyHash, String owner) throws SQLException {
        try (PreparedStatement statement = prepare(connection, releaseSql(), keyHash, owner, channel);
             ResultSet row = statement.executeQuery()) {
            return row.next();
        }
    }
}
