package dev.distlock.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import dev.distlock.spi.AcquireResult;

/**
 * Standard SQL for databases without a dialect here: a conditional UPDATE decides an existing key in
 * one statement; a free key without a row is INSERTed, and the loser of two racing INSERTs gets a
 * duplicate-key error that reads as "denied". A new grant's token comes from the one-row table
 * {@code <table>_tokens}, incremented and read in one short transaction. Time arithmetic uses the JDBC escape
 * {@code {fn TIMESTAMPADD(SQL_TSI_SECOND, n, CURRENT_TIMESTAMP)}}, which drivers translate; leases
 * are rounded up to whole seconds, and the remaining time of a holder is not reported.
 * {@code CURRENT_TIMESTAMP} is a TIMESTAMP WITH TIME ZONE in standard SQL, and the table's times are
 * too: they compare as instants, whatever the session's time zone or a daylight-saving change.
 */
final class PortableLockTableSql extends LockTableSql {

    /**
     * Params: 1 owner, 2 ttl seconds, 3 key_hash, 4 owner.
     * Takes over an expired row with token 0 (undrawn) or extends the lease of the owner that holds it
     * (token unchanged). The SET list reads the old row. Updates no row when another owner holds the
     * key or it has no row.
     */
    static final String ACQUIRE_EXISTING = """
            UPDATE {table} SET
                token       = CASE WHEN expires_at <= CURRENT_TIMESTAMP THEN 0 ELSE token END,
                acquired_at = CASE WHEN expires_at <= CURRENT_TIMESTAMP THEN CURRENT_TIMESTAMP ELSE acquired_at END,
                owner       = ?,
                expires_at  = {fn TIMESTAMPADD(SQL_TSI_SECOND, ?, CURRENT_TIMESTAMP)}
             WHERE key_hash = ? AND (expires_at <= CURRENT_TIMESTAMP OR owner = ?)
            """;

    /** Params: 1 key_hash, 2 lock_key, 3 owner, 4 ttl seconds. A key without a row: token 0 (undrawn). */
    static final String ACQUIRE_NEW = """
            INSERT INTO {table} (key_hash, lock_key, owner, token, acquired_at, expires_at)
            VALUES (?, ?, ?, 0, CURRENT_TIMESTAMP, {fn TIMESTAMPADD(SQL_TSI_SECOND, ?, CURRENT_TIMESTAMP)})
            """;

    /** Params: 1 ttl seconds, 2 key_hash, 3 owner. Updates one row while the owner's lease runs. */
    static final String RENEW = """
            UPDATE {table} SET expires_at = {fn TIMESTAMPADD(SQL_TSI_SECOND, ?, CURRENT_TIMESTAMP)}
             WHERE key_hash = ? AND owner = ? AND expires_at > CURRENT_TIMESTAMP
            """;

    /** Params: 1 key_hash, 2 owner. Deletes the row of the owner's running lease. */
    static final String RELEASE = """
            DELETE FROM {table} WHERE key_hash = ? AND owner = ? AND expires_at > CURRENT_TIMESTAMP
            """;

    /**
     * Params: 1 ttl seconds, then the key_hash of each lease in {keys}, then
     * key_hash and owner of each lease in {leases}. {@link #RENEW} for up
     * to {@link #RENEW_CHUNK} leases: updates the rows of the running ones. Standard SQL has no
     * RETURNING and not every database takes row values in IN, hence a key list for the primary key
     * lookups, OR-ed pairs for the owner checks, and {@link #RUNNING} when fewer rows changed than
     * leases were asked.
     */
    static final String RENEW_CHUNK_SQL = """
            UPDATE {table} SET expires_at = {fn TIMESTAMPADD(SQL_TSI_SECOND, ?, CURRENT_TIMESTAMP)}
             WHERE key_hash IN ({keys}) AND ({leases}) AND expires_at > CURRENT_TIMESTAMP
            """;

    /** Params: the key_hash of each lease in {keys}. Returns key_hash, owner of the leases still running. */
    static final String RUNNING = """
            SELECT key_hash, owner FROM {table} WHERE key_hash IN ({keys}) AND expires_at > CURRENT_TIMESTAMP
            """;

    /** No params. Adds one to the counter; its row stays locked until the transaction ends. */
    static final String INCREMENT_TOKEN = "UPDATE {tokens} SET last_token = last_token + 1 WHERE id = 1";

    /** No params. The counter, read in the transaction of {@link #INCREMENT_TOKEN}: its own increment. */
    static final String READ_TOKEN = "SELECT last_token FROM {tokens} WHERE id = 1";

    /** Params: 1 token, 2 key_hash, 3 owner, 4 undrawn token (0). Writes the token while the row is still ours. */
    static final String SET_TOKEN = """
            UPDATE {table} SET token = ? WHERE key_hash = ? AND owner = ? AND token = ?
            """;

    /** Param: 1 key_hash. Returns owner, token, and SQL NULL: the time left is not computed portably. */
    static final String STATE = """
            SELECT owner, token, CAST(NULL AS BIGINT) FROM {table} WHERE key_hash = ?
            """;

    /** Param: 1 idle seconds. Deletes rows expired for longer than that. */
    static final String PURGE = """
            DELETE FROM {table} WHERE {fn TIMESTAMPADD(SQL_TSI_SECOND, ?, expires_at)} < CURRENT_TIMESTAMP
            """;

    private final String acquireExisting = forTable(ACQUIRE_EXISTING);
    private final String acquireNew = forTable(ACQUIRE_NEW);
    private final String incrementToken = forTable(INCREMENT_TOKEN);
    private final String readToken = forTable(READ_TOKEN);
    private final String setToken = forTable(SET_TOKEN);
    private final ChunkStatements renewChunk = new ChunkStatements(forTable(RENEW_CHUNK_SQL));
    private final ChunkStatements running = new ChunkStatements(forTable(RUNNING));

    PortableLockTableSql(String table, int timeoutSeconds) {
        super(table, timeoutSeconds, RENEW, RELEASE, STATE, PURGE);
    }

    /** Whole seconds, rounded up: a lease is never shorter than asked. */
    @Override
    long leaseMillis(long ttlMillis) {
        return (Math.max(0, ttlMillis) + 999) / 1000;
    }

    @Override
    AcquireResult claim(Connection connection, String keyHash, String key, String owner, long ttlMillis)
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

    /** One transaction, so that the value read is our own increment; the connection is back in autocommit after. */
    @Override
    long nextToken(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        try {
            if (update(connection, incrementToken) != 1) {
                throw new SQLException("Token counter " + tokens + " has no row with id 1", "02000");
            }
            long token = queryLong(connection, readToken);
            connection.commit();
            return token;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
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
        return List.of("CREATE TABLE " + tokens + " (id INT NOT NULL PRIMARY KEY, last_token BIGINT NOT NULL)",
                "INSERT INTO " + tokens + " (id, last_token) VALUES (1, " + lastIssued + ")");
    }
}
