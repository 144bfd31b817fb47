package dev.distlock.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

import dev.distlock.spi.AcquireResult;

/**
 * H2 2.x: the claim is one {@code MERGE INTO ... USING ... WHEN MATCHED AND ...} read through
 * {@code FINAL TABLE}, so a grant needs no read-back (a denial does, for the holder's time left); a
 * new grant's token comes from the sequence {@code <table>_tokens}, drawn and written by one UPDATE. Two first acquisitions of a new key may race to INSERT: the loser gets a
 * duplicate-key error and the backend retries, which then sees the winner's row.
 */
final class H2LockTableSql extends LockTableSql {

    /**
     * Params: 1 key_hash, 2 lock_key, 3 owner, 4 ttl ms.
     * Inserts a free key or takes over an expired row with token 0 (undrawn), or extends the lease of
     * the owner that holds it (token unchanged); a row held by another owner is not matched.
     * The SET list reads the old row (standard SQL). Returns the row's token when granted, no row
     * when another owner holds the key (then {@link #STATE} reads the holder).
     */
    static final String ACQUIRE = """
            SELECT token FROM FINAL TABLE (
            MERGE INTO {table} l
            USING (VALUES (CAST(? AS CHAR(64)), CAST(? AS CHARACTER VARYING), CAST(? AS VARCHAR(255)),
                           CAST(? AS BIGINT))) s(key_hash, lock_key, owner, ttl_ms)
               ON l.key_hash = s.key_hash
            WHEN MATCHED AND (l.expires_at <= CURRENT_TIMESTAMP OR l.owner = s.owner) THEN UPDATE SET
                token       = CASE WHEN l.expires_at <= CURRENT_TIMESTAMP THEN 0 ELSE l.token END,
                acquired_at = CASE WHEN l.expires_at <= CURRENT_TIMESTAMP THEN CURRENT_TIMESTAMP ELSE l.acquired_at END,
                owner       = s.owner,
                expires_at  = DATEADD(MILLISECOND, s.ttl_ms, CURRENT_TIMESTAMP)
            WHEN NOT MATCHED THEN INSERT (key_hash, lock_key, owner, token, acquired_at, expires_at)
                VALUES (s.key_hash, s.lock_key, s.owner, 0, CURRENT_TIMESTAMP,
                        DATEADD(MILLISECOND, s.ttl_ms, CURRENT_TIMESTAMP)))
            """;

    /** Params: 1 ttl ms, 2 key_hash, 3 owner. Updates one row while the owner's lease runs. */
    static final String RENEW = """
            UPDATE {table} SET expires_at = DATEADD(MILLISECOND, ?, CURRENT_TIMESTAMP)
             WHERE key_hash = ? AND owner = ? AND expires_at > CURRENT_TIMESTAMP
            """;

    /**
     * Params: 1 ttl ms, then the key_hash of each lease in {keys}, then
     * key_hash and owner of each lease in {leases}. {@link #RENEW} for up to
     * {@link #RENEW_CHUNK} leases, returning key_hash and owner of each row it extended.
     */
    static final String RENEW_CHUNK_SQL = """
            SELECT key_hash, owner FROM FINAL TABLE (
            UPDATE {table} SET expires_at = DATEADD(MILLISECOND, ?, CURRENT_TIMESTAMP)
             WHERE key_hash IN ({keys}) AND ({leases}) AND expires_at > CURRENT_TIMESTAMP)
            """;

    /** Params: 1 key_hash, 2 owner. Deletes the row of the owner's running lease. */
    static final String RELEASE = """
            DELETE FROM {table} WHERE key_hash = ? AND owner = ? AND expires_at > CURRENT_TIMESTAMP
            """;

    /** No params. The next token. */
    static final String NEXT_TOKEN = "SELECT NEXT VALUE FOR {tokens}";

    /**
     * Params: 1 key_hash, 2 owner, 3 undrawn token (0). Draws the next token and writes it while the row
     * is still the owner's and undrawn; returns it, or no row (and draws nothing) when not.
     */
    static final String DRAW_TOKEN = """
            SELECT token FROM FINAL TABLE (
            UPDATE {table} SET token = NEXT VALUE FOR {tokens} WHERE key_hash = ? AND owner = ? AND token = ?)
            """;

    /**
     * Param: 1 key_hash. Returns owner, token, milliseconds left by the database clock. Through epoch
     * seconds: H2's DATEDIFF reads the local fields of TIMESTAMP WITH TIME ZONE values, so sessions in
     * other time zones would be hours off.
     */
    static final String STATE = """
            SELECT owner, token,
                   CAST(CEIL((EXTRACT(EPOCH FROM expires_at) - EXTRACT(EPOCH FROM CURRENT_TIMESTAMP)) * 1000) AS BIGINT)
              FROM {table} WHERE key_hash = ?
            """;

    /** Param: 1 idle ms. Deletes rows expired for longer than that. */
    static final String PURGE = """
            DELETE FROM {table} WHERE expires_at < DATEADD(MILLISECOND, -CAST(? AS BIGINT), CURRENT_TIMESTAMP)
            """;

    private final String acquire = forTable(ACQUIRE);
    private final String nextToken = forTable(NEXT_TOKEN);
    private final String drawToken = forTable(DRAW_TOKEN);
    private final ChunkStatements renewChunk = new ChunkStatements(forTable(RENEW_CHUNK_SQL));

    H2LockTableSql(String table, int timeoutSeconds) {
        super(table, timeoutSeconds, RENEW, RELEASE, STATE, PURGE);
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

    /** One statement where the portable dialect needs a draw and a write. */
    @Override
    AcquireResult drawToken(Connection connection, String keyHash, String owner) throws SQLException {
        return drawAndSetToken(connection, drawToken, keyHash, owner);
    }

    /** One statement per chunk that reports the rows it extended: no read-back. */
    @Override
    Set<Lease> renewChunk(Connection connection, List<Lease> chunk, long leaseMillis) throws SQLException {
        return leasesIn(connection, renewChunk.forCount(chunk.size()), chunkParams(leaseMillis, chunk));
    }

    @Override
    long nextToken(Connection connection) throws SQLException {
        return queryLong(connection, nextToken);
    }

    @Override
    String setTokenSql() {
        throw new UnsupportedOperationException("drawToken draws and sets in one statement");
    }

    @Override
    List<String> createTokenSource(long lastIssued) {
        return List.of("CREATE SEQUENCE IF NOT EXISTS " + tokens + " START WITH " + (lastIssued + 1));
    }
}
