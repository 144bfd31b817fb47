package dev.distlock.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.ReleaseOutcome;

/**
 * MySQL 8 and MariaDB: the claim is one {@code INSERT ... ON DUPLICATE KEY UPDATE}; on MariaDB its
 * {@code RETURNING} reports who holds the key, on MySQL (which has no RETURNING) the row is read back
 * by key in a second statement. The server is told apart once, by the version string the driver got
 * when it connected. MySQL's statements are all ones MariaDB runs too, and the tests run them on
 * MariaDB (there is no MySQL server in the build). A new grant's token comes from the one-row table
 * {@code <table>_tokens} (MySQL has no sequences; one counter row serves both), incremented in an
 * autocommit statement of its own so that its row lock is held for that statement only; the new value
 * comes back with the statement's answer, as its insert id. Times are {@code UTC_TIMESTAMP(3)}, which MySQL evaluates once per statement and
 * which does not depend on the session time zone (unlike {@code NOW()}).
 */
final class MySqlLockTableSql extends LockTableSql {

    /**
     * Params: 1 key_hash, 2 lock_key, 3 owner, 4 ttl ms, 5 owner, 6 owner, 7 ttl ms.
     * Inserts a free key or takes over an expired row with token 0 (undrawn), or extends the lease of
     * the owner that holds it (token unchanged); leaves a row held by another owner as is.
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
            VALUES (?, ?, ?, 0, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3) + INTERVAL ? * 1000 MICROSECOND)
            ON DUPLICATE KEY UPDATE
                token       = IF(expires_at <= UTC_TIMESTAMP(3), 0, token),
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

    /** Params: 1 key_hash, 2 owner. Deletes the row of the owner's running lease. */
    static final String RELEASE = """
            DELETE FROM {table} WHERE key_hash = ? AND owner = ? AND expires_at > UTC_TIMESTAMP(3)
            """;

    /**
     * Params: 1 ttl ms, then the key_hash of each lease in {keys}, then
     * key_hash and owner of each lease in {leases}. {@link #RENEW} for up to
     * {@link #RENEW_CHUNK} leases: updates the rows of the running ones (found rows, which both
     * drivers report by default, also when the new expires_at equals the old). MariaDB's RETURNING
     * is for INSERT and DELETE only, so which rows changed is read with {@link #RUNNING} when fewer
     * did than leases were asked.
     */
    static final String RENEW_CHUNK_SQL = """
            UPDATE {table} SET expires_at = UTC_TIMESTAMP(3) + INTERVAL ? * 1000 MICROSECOND
             WHERE key_hash IN ({keys}) AND ({leases}) AND expires_at > UTC_TIMESTAMP(3)
            """;

    /** Params: the key_hash of each lease in {keys}. Returns key_hash, owner of the leases still running. */
    static final String RUNNING = """
            SELECT key_hash, owner FROM {table} WHERE key_hash IN ({keys}) AND expires_at > UTC_TIMESTAMP(3)
            """;

    /**
     * Params: as {@link #ACQUIRE}. MariaDB 10.5+: {@link #ACQUIRE} that returns the row as the statement
     * left it: owner, token, milliseconds left by the database clock (what {@link #STATE} reads).
     */
    static final String ACQUIRE_RETURNING = ACQUIRE + """
            RETURNING owner, token, TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(3), expires_at) DIV 1000
            """;

    /**
     * No params. Adds one to the counter and leaves the new value in this connection's
     * {@code LAST_INSERT_ID()}, which the answer to the statement carries as its insert id (read by
     * {@code getGeneratedKeys}) and {@link #LAST_TOKEN} reads: increment and read are one atomic step.
     * One SET item, so the sql_mode's assignment order does not matter.
     */
    static final String INCREMENT_TOKEN = """
            UPDATE {tokens} SET last_token = LAST_INSERT_ID(last_token + 1) WHERE id = 1
            """;

    /** No params. The value {@link #INCREMENT_TOKEN} left on this connection, for a driver that did not report it. */
    static final String LAST_TOKEN = "SELECT LAST_INSERT_ID()";

    /** Params: 1 token, 2 key_hash, 3 owner, 4 undrawn token (0). Writes the token while the row is still ours. */
    static final String SET_TOKEN = """
            UPDATE {table} SET token = ? WHERE key_hash = ? AND owner = ? AND token = ?
            """;

    /** Param: 1 key_hash. Returns owner, token, milliseconds left by the database clock. */
    static final String STATE = """
            SELECT owner, token, TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(3), expires_at) DIV 1000
              FROM {table} WHERE key_hash = ?
            """;

    /**
     * Params: 1 key_hash, 2 owner, then per mark slot ({@link MySqlWaiterMarks#SLOTS}) its lock name
     * and twice our own marking connection's id (0 for none). MariaDB: {@link #RELEASE} that also
     * says, from the same statement, whether another session holds one of the key's waiter marks
     * (user locks, {@link MySqlWaiterMarks}); no row back means nothing was released.
     */
    static final String RELEASE_TELLING_WAITERS = RELEASE + "RETURNING " + String.join(" OR ",
            java.util.Collections.nCopies(MySqlWaiterMarks.SLOTS, "COALESCE(IS_USED_LOCK(?), ?) <> ?"));

    /**
     * Params: the lock name of each mark slot, then 1 key_hash. Takes the first free slot's user lock
     * (GET_LOCK evaluates lazily in CASE: no later slot is taken) and answers its number, -1 when all
     * are held by others; and the key's token while its lease runs, SQL NULL when it is free.
     */
    static final String MARK = "SELECT CASE " + String.join(" ",
            java.util.stream.IntStream.range(0, MySqlWaiterMarks.SLOTS)
                    .mapToObj(slot -> "WHEN GET_LOCK(?, 0) = 1 THEN " + slot).toList())
            + " ELSE -1 END, (SELECT token FROM {table} WHERE key_hash = ? AND expires_at > UTC_TIMESTAMP(3))";

    /** Param: 1 lock name. Gives up one waiter mark of this session. */
    static final String UNMARK = "SELECT RELEASE_LOCK(?)";

    /** Param: 1 idle ms. Deletes rows expired for longer than that. */
    static final String PURGE = """
            DELETE FROM {table} WHERE expires_at < UTC_TIMESTAMP(3) - INTERVAL ? * 1000 MICROSECOND
            """;

    private final String acquire = forTable(ACQUIRE);
    private final String acquireReturning = forTable(ACQUIRE_RETURNING);
    /** Whether the server runs {@code INSERT ... RETURNING} (MariaDB); null until the first claim asks. */
    private volatile @Nullable Boolean returning;
    private final String releaseTellingWaiters = forTable(RELEASE_TELLING_WAITERS);
    private final String mark = forTable(MARK);
    private final String incrementToken = forTable(INCREMENT_TOKEN);
    private final String setToken = forTable(SET_TOKEN);
    private final ChunkStatements renewChunk = new ChunkStatements(forTable(RENEW_CHUNK_SQL));
    private final ChunkStatements running = new ChunkStatements(forTable(RUNNING));

    MySqlLockTableSql(String table, int timeoutSeconds) {
        super(table, timeoutSeconds, RENEW, RELEASE, STATE, PURGE);
    }

    @Override
    AcquireResult claim(Connection connection, String keyHash, String key, String owner, long ttlMillis)
            throws SQLException {
        long ttl = leaseMillis(ttlMillis);
        if (!returning(connection)) {
            update(connection, acquire, keyHash, key, owner, ttl, owner, owner, ttl);
            return readBack(connection, keyHash, owner);
        }
        try (PreparedStatement statement = prepare(connection, acquireReturning, keyHash, key, owner, ttl, owner,
                owner, ttl);
             ResultSet row = statement.executeQuery()) {
            row.next();
            return owner.equals(row.getString(1)) ? AcquireResult.granted(row.getLong(2)) : denied(row, 3);
        }
    }

    /**
     * On MariaDB one statement, {@link #RELEASE_TELLING_WAITERS}: the release and whether another
     * client marked the key as waited for. MySQL has no {@code DELETE ... RETURNING}: a plain release,
     * which cannot tell.
     *
     * @param ownMarks the id of the connection that holds this backend's own marks, 0 for none: a
     *                 mark of ours is no other client's waiter
     */
    ReleaseOutcome releaseTellingWaiters(Connection connection, String keyHash, String owner, MySqlWaiterMarks.Names names,
            long ownMarks) throws SQLException {
        if (!returning(connection)) {
            return release(connection, keyHash, owner);
        }
        Object[] params = new Object[2 + 3 * MySqlWaiterMarks.SLOTS];
        params[0] = keyHash;
        params[1] = owner;
        for (int slot = 0; slot < MySqlWaiterMarks.SLOTS; slot++) {
            params[2 + 3 * slot] = names.name(connection, keyHash, slot);
            params[3 + 3 * slot] = ownMarks;
            params[4 + 3 * slot] = ownMarks;
        }
        try (PreparedStatement statement = prepare(connection, releaseTellingWaiters, params);
             ResultSet row = statement.executeQuery()) {
            if (!row.next()) {
                return ReleaseOutcome.NOT_HELD;
            }
            return row.getBoolean(1) ? ReleaseOutcome.RELEASED_TO_WAITERS : ReleaseOutcome.RELEASED;
        }
    }

    /** {@link #MARK} on the marking connection; params as it says. */
    String markSql() {
        return mark;
    }

    /** Claims as on MySQL, with a read-back, also on MariaDB: for tests of the MySQL statements. */
    MySqlLockTableSql withoutReturning() {
        returning = false;
        return this;
    }

    /** MariaDB says so in its version string (e.g. {@code 10.11.6-MariaDB}), which the driver read on connecting. */
    private boolean returning(Connection connection) throws SQLException {
        Boolean known = returning;
        if (known == null) {
            known = connection.getMetaData().getDatabaseProductVersion().contains("MariaDB");
            returning = known;
        }
        return known;
    }

    @Override
    long nextToken(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(incrementToken, Statement.RETURN_GENERATED_KEYS)) {
            statement.setQueryTimeout(timeoutSeconds());
            if (statement.executeUpdate() != 1) {
                throw new SQLException("Token counter " + tokens + " has no row with id 1", "02000");
            }
            try (ResultSet drawn = statement.getGeneratedKeys()) {
                if (drawn.next()) {
                    return drawn.getLong(1);
                }
            }
        }
        return queryLong(connection, LAST_TOKEN);
    }

    @Override
    String setTokenSql() {
        return setToken;
    }

    @Override
    ChunkStatements renewChunkSql() {
        return renewChunk;
    }

    @Override
    ChunkStatements runningSql() {
        return running;
    }

    @Override
    List<String> createTokenSource(long lastIssued) {
        return List.of("CREATE TABLE IF NOT EXISTS " + tokens + " (id INT NOT NULL PRIMARY KEY, "
                        + "last_token BIGINT NOT NULL) ENGINE = InnoDB",
                "INSERT IGNORE INTO " + tokens + " (id, last_token) VALUES (1, " + lastIssued + ")");
    }
}
