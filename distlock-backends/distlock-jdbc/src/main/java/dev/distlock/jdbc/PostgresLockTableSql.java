package dev.distlock.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.ReleaseOutcome;

/**
 * PostgreSQL: an acquisition is one statement that reads the row without locking it, takes it over
 * (expired) or extends it (ours) with a conditional UPDATE, or INSERTs a key that has no row, drawing
 * the token from the sequence {@code <table>_tokens} in the same statement; a denied attempt gets the
 * holder's time left from the same statement. Release deletes the row and, when someone waits for
 * the key, notifies with {@code pg_notify} in the same statement. {@code now()} is the start of the (autocommit,
 * single-statement) transaction.
 */
final class PostgresLockTableSql extends LockTableSql {

    /**
     * Params: 1 key_hash; 2 owner, 3 ttl ms, 4 key_hash, 5 owner; 6 key_hash, 7 lock_key, 8 owner, 9 ttl ms.
     * Returns one row: the granted token (NULL when not granted) and the milliseconds the lease read
     * by {@code holder} has left (NULL without a row).
     *
     * <p>{@code holder} and the UPDATE's WHERE read the row as of the statement's snapshot, without a
     * row lock: a row another owner holds does not qualify, so a denied attempt locks nothing and
     * waits for no transaction of the holder's. A row that qualifies (expired, or ours) is locked and
     * written; if it changed meanwhile, PostgreSQL re-reads the new version, checks the WHERE again
     * and evaluates the SET list again, {@code nextval} included. So a takeover's token is drawn after
     * the row version it replaces was committed, after the previous holder drew.
     *
     * <p>The INSERT runs only for a key without a row in the snapshot. Its {@code nextval} is drawn
     * before its row is in place, so a holder of the same key could, in between, have drawn a larger
     * token, held and released: RETURNING therefore checks, once the row is in place, that no token
     * was drawn anywhere since ours ({@code pg_sequence_last_value}); when one was, it divides by
     * zero, which rolls the INSERT back (SQLSTATE 22012), and {@link #claim} takes the two-step way.
     * A committed INSERT's token is thus above every token drawn before its row existed, and every
     * later holder draws after that. Its ON CONFLICT waits only for a concurrent INSERT of the same
     * key, one statement, and then leaves that row alone.
     */
    static final String ACQUIRE = """
            WITH holder AS (
                SELECT expires_at FROM {table} WHERE key_hash = ?),
            taken AS (
                UPDATE {table}
                   SET token       = CASE WHEN expires_at <= now() THEN nextval('{tokens}') ELSE token END,
                       acquired_at = CASE WHEN expires_at <= now() THEN now() ELSE acquired_at END,
                       owner       = ?,
                       expires_at  = now() + ? * INTERVAL '1 millisecond'
                 WHERE key_hash = ? AND (expires_at <= now() OR owner = ?)
                RETURNING token),
            inserted AS (
                INSERT INTO {table} (key_hash, lock_key, owner, token, acquired_at, expires_at)
                SELECT ?, ?, ?, nextval('{tokens}'), now(), now() + ? * INTERVAL '1 millisecond'
                 WHERE NOT EXISTS (SELECT 1 FROM holder)
                ON CONFLICT (key_hash) DO NOTHING
                RETURNING token / CAST(COALESCE(token = pg_sequence_last_value('{tokens}'), FALSE) AS INTEGER) AS token)
            SELECT COALESCE((SELECT token FROM taken), (SELECT token FROM inserted)),
                   (SELECT CAST(CEIL(EXTRACT(EPOCH FROM (expires_at - now())) * 1000) AS BIGINT) FROM holder)
            """;

    /**
     * Params: 1 key_hash, 2 lock_key, 3 owner, 4 ttl ms. The first of the two steps, after
     * {@link #ACQUIRE} found its token drawn out of order: inserts the key with token 0 (undrawn),
     * for {@link #DRAW_TOKEN} to draw now that the row is ours. One row (token 0) when inserted, none
     * when another owner's row is there.
     */
    static final String CLAIM_NEW = """
            INSERT INTO {table} (key_hash, lock_key, owner, token, acquired_at, expires_at)
            VALUES (?, ?, ?, 0, now(), now() + ? * INTERVAL '1 millisecond')
            ON CONFLICT (key_hash) DO NOTHING
            RETURNING token
            """;

    /** Params: 1 ttl ms, 2 key_hash, 3 owner. Updates one row while the owner's lease runs. */
    static final String RENEW = """
            UPDATE {table} SET expires_at = now() + ? * INTERVAL '1 millisecond'
             WHERE key_hash = ? AND owner = ? AND expires_at > now()
            """;

    /**
     * Params: 1 ttl ms, 2 key_hashes (text[]), 3 owners (text[], the same length). {@link #RENEW} for
     * every lease of the arrays in one statement, whatever their number; returns key_hash and owner of
     * each row it extended. The arrays are cast to the column types so that the join probes the
     * primary key (char = text would compare as text, past the index).
     */
    static final String RENEW_ALL = """
            UPDATE {table} l SET expires_at = now() + ? * INTERVAL '1 millisecond'
              FROM unnest(CAST(? AS char(64)[]), CAST(? AS varchar(255)[])) AS r(key_hash, owner)
             WHERE l.key_hash = r.key_hash AND l.owner = r.owner AND l.expires_at > now()
            RETURNING l.key_hash, l.owner
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
     * Params: 1 key_hash, 2 owner, 3 waiter lock class, 4 waiter lock id, 5 notification channel.
     * Deletes the row of the owner's running lease and, when someone waits for the key (a shared
     * advisory lock of {@link PostgresWaiterMarks} is held on it, so the exclusive try fails), sends the
     * key hash on the channel. NOTIFY is delivered at commit, which is the end of this autocommit
     * statement, and a try that succeeds holds its lock until then: a waiter marking the key meanwhile
     * waits for the commit. Returns no row when nothing was released, else one: 1 when it notified,
     * 0 when nobody waited. The try and the notification are evaluated only for a deleted row.
     * Without a waiter no NOTIFY is queued, whose commit all notifying sessions take in turn.
     *
     * <p>One DELETE ... RETURNING rather than CTEs that count the deleted and the notified rows: the
     * same work without materialising and aggregating them, which cost ~10-20 us per release on the
     * server (measured with pgbench against the floor's plain DELETE).
     */
    static final String RELEASE_AND_NOTIFY = """
            DELETE FROM {table}
             WHERE key_hash = ? AND owner = ? AND expires_at > now()
            RETURNING CASE WHEN pg_try_advisory_xact_lock(?, ?) THEN 0
                           ELSE (SELECT 1 FROM pg_notify(?, key_hash)) END
            """;

    /**
     * Params: 1 next owner, 2 next owner, 3 ttl ms, 4 key_hash, 5 releasing owner, 6 next owner.
     * Passes the row of the releasing owner's lease (or an expired one) to the next owner in one
     * statement, a new token drawn once the row is locked, as a takeover draws it; the next owner's
     * own running lease is extended with its token. Returns the token, or no row when another owner
     * holds the key or it has no row (then {@link #acquire} decides). Nobody is notified: the key stays held.
     */
    static final String HAND_OVER = """
            UPDATE {table}
               SET token       = CASE WHEN owner = ? AND expires_at > now() THEN token ELSE nextval('{tokens}') END,
                   acquired_at = now(),
                   owner       = ?,
                   expires_at  = now() + ? * INTERVAL '1 millisecond'
             WHERE key_hash = ? AND (owner = ? OR owner = ? OR expires_at <= now())
            RETURNING token
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
    private final String handOver = forTable(HAND_OVER);
    private final String claimNew = forTable(CLAIM_NEW);
    private final String drawToken = forTable(DRAW_TOKEN);
    private final String renewAll = forTable(RENEW_ALL);
    private final String channel;
    private final int waiterLockClass;

    PostgresLockTableSql(String table, int timeoutSeconds) {
        super(table, timeoutSeconds, RENEW, RELEASE_AND_NOTIFY, STATE, PURGE);
        this.channel = channelFor(table);
        this.waiterLockClass = PostgresWaiterMarks.lockClass(channel);
    }

    /** The LISTEN/NOTIFY channel of a table: an unquoted identifier, so lower case, at most 63 bytes. */
    static String channelFor(String table) {
        String channel = ("distlock_" + table.replace('.', '_')).toLowerCase(java.util.Locale.ROOT);
        return channel.length() > 63 ? channel.substring(0, 63) : channel;
    }

    /** The advisory lock class that waiters mark this table's keys with, and its release tries. */
    int waiterLockClass() {
        return waiterLockClass;
    }

    String channel() {
        return channel;
    }

    @Override
    AcquireResult claim(Connection connection, String keyHash, String key, String owner, long ttlMillis)
            throws SQLException {
        long ttl = leaseMillis(ttlMillis);
        try (PreparedStatement statement = prepare(connection, acquire, keyHash, owner, ttl, keyHash, owner,
                keyHash, key, owner, ttl);
             ResultSet row = statement.executeQuery()) {
            row.next();
            long token = row.getLong(1);
            if (!row.wasNull()) {
                return AcquireResult.granted(token);
            }
            return denied(row, 2);
        } catch (SQLException e) {
            if (!JdbcErrors.isDivisionByZero(e)) { // the token was drawn out of order: see ACQUIRE
                throw e;
            }
        }
        try (PreparedStatement statement = prepare(connection, claimNew, keyHash, key, owner, ttl);
             ResultSet row = statement.executeQuery()) {
            return row.next() ? AcquireResult.granted(row.getLong(1)) : AcquireResult.denied();
        }
    }

    /**
     * {@link #HAND_OVER}; where it changed no row (another owner holds the key, or it has none) the
     * next owner's {@link #acquire} answers instead.
     */
    AcquireResult handOver(Connection connection, String keyHash, String key, String owner, String next, long ttlMillis)
            throws SQLException {
        try (PreparedStatement statement = prepare(connection, handOver, next, next, leaseMillis(ttlMillis), keyHash, owner, next);
             ResultSet row = statement.executeQuery()) {
            if (row.next()) {
                return AcquireResult.granted(row.getLong(1));
            }
        }
        return acquire(connection, keyHash, key, next, ttlMillis);
    }

    /** One statement where other dialects need two. */
    @Override
    AcquireResult drawToken(Connection connection, String keyHash, String owner) throws SQLException {
        return drawAndSetToken(connection, drawToken, keyHash, owner);
    }

    /** One statement for all: arrays have no parameter limit to chunk for. */
    @Override
    Set<Lease> renewLeases(Connection connection, List<Lease> leases, long leaseMillis) throws SQLException {
        String[] keyHashes = new String[leases.size()];
        String[] owners = new String[leases.size()];
        for (int i = 0; i < keyHashes.length; i++) {
            keyHashes[i] = leases.get(i).keyHash();
            owners[i] = leases.get(i).owner();
        }
        return leasesIn(connection, renewAll, leaseMillis, connection.createArrayOf("text", keyHashes),
                connection.createArrayOf("text", owners));
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

    /** Released to waiters when the release notified: someone's waiter mark was on the key (or an id like it). */
    @Override
    ReleaseOutcome release(Connection connection, String keyHash, String owner) throws SQLException {
        try (PreparedStatement statement = prepare(connection, releaseSql(), keyHash, owner, waiterLockClass,
                PostgresWaiterMarks.lockId(keyHash), channel);
             ResultSet row = statement.executeQuery()) {
            if (!row.next()) {
                return ReleaseOutcome.NOT_HELD;
            }
            return row.getInt(1) == 1 ? ReleaseOutcome.RELEASED_TO_WAITERS : ReleaseOutcome.RELEASED;
        }
    }
}
