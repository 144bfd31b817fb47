package dev.distlock.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import dev.distlock.spi.AcquireResult;

/**
 * PostgreSQL: the claim is one {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE} that returns the
 * row's token; a new grant's token is drawn from the sequence {@code <table>_tokens} and written by
 * one more statement. Release deletes the row and notifies waiters with {@code pg_notify} in the same
 * statement. {@code now()} is the start of the (autocommit, single-statement) transaction.
 */
final class PostgresLockTableSql extends LockTableSql {

    /**
     * Params: 1 key_hash, 2 lock_key, 3 owner, 4 ttl ms.
     * Inserts a free key, or takes over an expired row, with token 0 (undrawn); or extends the lease of
     * an owner that already holds it (token unchanged: a retry after a lost reply).
     * Returns one row (token) when granted, no row when another owner holds the key.
     */
    static final String ACQUIRE = """
            INSERT INTO {table} AS l (key_hash, lock_key, owner, token, acquired_at, expires_at)
            VALUES (?, ?, ?, 0, now(), now() + ? * INTERVAL '1 millisecond')
            ON CONFLICT (key_hash) DO UPDATE
               SET token       = CASE WHEN l.expires_at <= now() THEN 0 ELSE l.token END,
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
     * Params: 1 key_hash, 2 owner, 3 undrawn token (0). Draws the next token from the sequence and
     * writes it, in the same statement, while the row is still the owner's and undrawn.
     * Returns one row (the token) when written, none otherwise (nextval is then not called).
     */
    static final String DRAW_TOKEN = """
            UPDATE {table} SET token = nextval('{tokens}')
             WHERE key_hash = ? AND owner = ? AND token = ?
            RETURNING token
            """;

    /**
     * Params: 1 key_hash, 2 owner, 3 notification channel. Deletes the row of the owner's running
     * lease and sends the key hash on the channel; NOTIFY is delivered at commit, which is the end of
     * this autocommit statement. Returns one row when released, none otherwise.
     */
    static final String RELEASE_AND_NOTIFY = """
            WITH released AS (
                DELETE FROM {table}
                 WHERE key_hash = ? AND owner = ? AND expires_at > now()
                RETURNING key_hash)
            SELECT pg_notify(?, key_hash) FROM released
            """;

    /** Param: 1 key_hash. Returns owner, token, milliseconds left by the database clock. */
    static final String STATE = """
            SELECT owner, token, CAST(CEIL(EXTRACT(EPOCH FROM (expires_at - now())) * 1000) AS BIGINT)
              FROM {table} WHERE key_hash = ?
            """;

    /** Param: 1 idle ms. Deletes rows expired for longer than that. */
    static final String PURGE = """
            DELETE FROM {table} WHERE expires_at < now() - ? * INTERVAL '1 millisecond'
            """;

    private final String acquire = forTable(ACQUIRE);
    private final String drawToken = forTable(DRAW_TOKEN);
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
    AcquireResult claim(Connection connection, String keyHash, String key, String owner, long ttlMillis)
            throws SQLException {
        try (PreparedStatement statement = prepare(connection, acquire, keyHash, key, owner, leaseMillis(ttlMillis));
             ResultSet row = statement.executeQuery()) {
            if (row.next()) {
                return AcquireResult.granted(row.getLong(1));
            }
        }
        return readBack(connection, keyHash, owner);
    }

    /** One statement where other dialects need two. */
    @Override
    AcquireResult drawToken(Connection connection, String keyHash, String owner) throws SQLException {
        try (PreparedStatement statement = prepare(connection, drawToken, keyHash, owner, UNDRAWN);
             ResultSet row = statement.executeQuery()) {
            return row.next() ? AcquireResult.granted(row.getLong(1)) : AcquireResult.denied();
        }
    }

    @Override
    long nextToken(Connection connection) throws SQLException {
        return queryLong(connection, "SELECT nextval('" + tokens + "')");
    }

    @Override
    String setTokenSql() {
        throw new UnsupportedOperationException("drawToken draws and sets in one statement");
    }

    /** CACHE 1: values cached per session would let a later grant draw a smaller token. */
    @Override
    List<String> createTokenSource(long lastIssued) {
        return List.of("CREATE SEQUENCE IF NOT EXISTS " + tokens + " START WITH " + (lastIssued + 1) + " CACHE 1");
    }

    @Override
    boolean release(Connection connection, String keyHash, String owner) throws SQLException {
        try (PreparedStatement statement = prepare(connection, releaseSql(), keyHash, owner, channel);
             ResultSet row = statement.executeQuery()) {
            return row.next();
        }
    }
}
