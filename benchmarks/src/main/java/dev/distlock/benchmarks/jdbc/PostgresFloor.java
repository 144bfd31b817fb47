package dev.distlock.benchmarks.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;


/**
 * The PostgreSQL floor: distlock's table protocol (PostgresLockTableSql: a row per held lock, deleted
 * at release; tokens from the sequence {@code <table>_tokens}) in the fewest round trips that keep its
 * guarantees, two, each one autocommit statement on a pooled connection:
 * <ol>
 *   <li>acquire: a conditional {@code UPDATE ... WHERE expired} takes over an expired row, or an
 *       {@code INSERT ... ON CONFLICT DO NOTHING} adds a key without a row, either drawing its token
 *       with {@code nextval}; a row another owner holds is read without a lock and left alone;</li>
 *   <li>release: {@code DELETE ... WHERE owner AND expires_at > now()}.</li>
 * </ol>
 * The INSERT's {@code nextval} is drawn before its row is in place, so, as in distlock, its RETURNING
 * checks that no token was drawn since ({@code pg_sequence_last_value}) and otherwise divides by zero,
 * which rolls it back; the floor then takes the two steps (insert undrawn, draw). Uncontended, that
 * never happens. What the floor leaves out: the holder's time left for a denied attempt, the owner's
 * retry keeping its token, {@code pg_notify} (it is sent only to waiters, and nobody waits here) and
 * key hashing (the key stands in for its hash).
 */
final class PostgresFloor extends TableFloor {

    /** Params: 1 owner, 2 lease ms, 3 key, 4 key, 5 key, 6 owner, 7 lease ms, 8 key. One row: the token, NULL when held. */
    static final String ACQUIRE = """
            WITH taken AS (
                UPDATE bench_floor SET token = nextval('bench_floor_tokens'), acquired_at = now(), owner = ?,
                       expires_at = now() + ? * INTERVAL '1 millisecond'
                 WHERE key_hash = ? AND expires_at <= now()
                RETURNING token),
            inserted AS (
                INSERT INTO bench_floor (key_hash, lock_key, owner, token, acquired_at, expires_at)
                SELECT ?, ?, ?, nextval('bench_floor_tokens'), now(), now() + ? * INTERVAL '1 millisecond'
                 WHERE NOT EXISTS (SELECT 1 FROM bench_floor WHERE key_hash = ?)
                ON CONFLICT (key_hash) DO NOTHING
                RETURNING token / CAST(COALESCE(token = pg_sequence_last_value('bench_floor_tokens'), FALSE) AS INTEGER) AS token)
            SELECT COALESCE((SELECT token FROM taken), (SELECT token FROM inserted))
            """;

    /** Params: 1 key, 2 key, 3 owner, 4 lease ms. After a token drawn out of order: the row, undrawn. */
    static final String CLAIM_NEW = """
            INSERT INTO bench_floor (key_hash, lock_key, owner, token, acquired_at, expires_at)
            VALUES (?, ?, ?, 0, now(), now() + ? * INTERVAL '1 millisecond')
            ON CONFLICT (key_hash) DO NOTHING
            RETURNING token
            """;

    /** Params: 1 key, 2 owner. One row (the new token) while the claim is still ours and undrawn. */
    static final String DRAW = """
            UPDATE bench_floor SET token = nextval('bench_floor_tokens')
             WHERE key_hash = ? AND owner = ? AND token = 0
            RETURNING token
            """;

    /** Params: 1 key, 2 owner. Deletes one row while the owner's lease runs. */
    static final String RELEASE = """
            DELETE FROM bench_floor WHERE key_hash = ? AND owner = ? AND expires_at > now()
            """;

    /** IF NOT EXISTS: the two clients of a hand-off share one table, as {@link PostgresWaitingFloor} needs. */
    PostgresFloor(DataSource pool) throws SQLException {
        super(pool);
        JdbcBench.execute(pool, "CREATE TABLE IF NOT EXISTS bench_floor (key_hash CHAR(64) NOT NULL PRIMARY KEY, lock_key TEXT NOT NULL, "
                + "owner VARCHAR(255) NOT NULL, token BIGINT NOT NULL, acquired_at TIMESTAMPTZ NOT NULL, "
                + "expires_at TIMESTAMPTZ NOT NULL)");
        JdbcBench.execute(pool, "CREATE SEQUENCE IF NOT EXISTS bench_floor_tokens START WITH 1 CACHE 1");
    }

    @Override
    protected void grant(Connection connection, String key) throws SQLException {
        long lease = JdbcBench.LEASE.toMillis();
        try {
            if (queryToken(connection, ACQUIRE, owner, lease, key, key, key, owner, lease, key) == null) {
                throw new NotGranted(key);
            }
            return;
        } catch (SQLException e) {
            if (!"22012".equals(e.getSQLState())) { // drawn out of order: take the two steps
                throw e;
            }
        }
        if (queryToken(connection, CLAIM_NEW, key, key, owner, lease) == null
                || queryToken(connection, DRAW, key, owner) == null) {
            throw new NotGranted(key);
        }
    }

    /** The statement's one value, or null when it returned no row or SQL NULL. */
    private static @Nullable Long queryToken(Connection connection, String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                long token = row.getLong(1);
                return row.wasNull() ? null : token;
            }
        }
    }

    @Override
    protected String releaseSql() {
        return RELEASE;
    }
}
