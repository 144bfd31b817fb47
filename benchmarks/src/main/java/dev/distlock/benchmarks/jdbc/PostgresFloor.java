package dev.distlock.benchmarks.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;


/**
 * The PostgreSQL floor: distlock's table protocol (PostgresLockTableSql: a row per held lock, deleted
 * at release; tokens from the sequence {@code <table>_tokens}) in the fewest round trips that keep its
 * guarantees, three, each one autocommit statement on a pooled connection:
 * <ol>
 *   <li>claim: {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE expired RETURNING token}, token 0;</li>
 *   <li>draw: {@code UPDATE ... SET token = nextval(seq) WHERE owner AND token = 0 RETURNING token};</li>
 *   <li>release: {@code DELETE ... WHERE owner AND expires_at > now()}.</li>
 * </ol>
 * Claim and draw cannot be one statement: a {@code nextval} in the INSERT's VALUES is drawn before
 * the row is ours, so a slow claimer could be granted after a later holder with a smaller token
 * (see LockTableSql). No {@code pg_notify} (nobody waits here) and no key hashing: the key stands in
 * for its hash.
 */
final class PostgresFloor extends TableFloor {

    /** Params: 1 key, 2 key, 3 owner, 4 lease ms. One row (token 0) when claimed, none when held. */
    static final String CLAIM = """
            INSERT INTO bench_floor AS l (key_hash, lock_key, owner, token, acquired_at, expires_at)
            VALUES (?, ?, ?, 0, now(), now() + ? * INTERVAL '1 millisecond')
            ON CONFLICT (key_hash) DO UPDATE
               SET token = 0, acquired_at = now(), owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
             WHERE l.expires_at <= now()
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

    PostgresFloor(DataSource pool) throws SQLException {
        super(pool);
        JdbcBench.execute(pool, "CREATE TABLE bench_floor (key_hash CHAR(64) NOT NULL PRIMARY KEY, lock_key TEXT NOT NULL, "
                + "owner VARCHAR(255) NOT NULL, token BIGINT NOT NULL, acquired_at TIMESTAMPTZ NOT NULL, "
                + "expires_at TIMESTAMPTZ NOT NULL)");
        JdbcBench.execute(pool, "CREATE SEQUENCE bench_floor_tokens START WITH 1 CACHE 1");
    }

    @Override
    protected void grant(Connection connection, String key) throws SQLException {
        try (PreparedStatement claim = connection.prepareStatement(CLAIM)) {
            claim.setString(1, key);
            claim.setString(2, key);
            claim.setString(3, owner);
            claim.setLong(4, JdbcBench.LEASE.toMillis());
            try (ResultSet row = claim.executeQuery()) {
                if (!row.next()) {
                    throw new NotGranted(key);
                }
            }
        }
        try (PreparedStatement draw = connection.prepareStatement(DRAW)) {
            draw.setString(1, key);
            draw.setString(2, owner);
            try (ResultSet token = draw.executeQuery()) {
                if (!token.next()) {
                    throw new NotGranted(key);
                }
            }
        }
    }

    @Override
    protected String releaseSql() {
        return RELEASE;
    }
}
