package dev.distlock.benchmarks.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;


/**
 * The MariaDB floor: distlock's table protocol (MySqlLockTableSql: a row per held lock, deleted at
 * release; tokens from the one-row counter table {@code <table>_tokens}) in the fewest round trips
 * that keep its guarantees with the driver's default settings, four autocommit statements:
 * <ol>
 *   <li>claim: {@code INSERT ... ON DUPLICATE KEY UPDATE} (takes over an expired row), token 0; its
 *       outcome is not read (the update count depends on the driver's useAffectedRows);</li>
 *   <li>draw: {@code UPDATE counter SET last_token = LAST_INSERT_ID(last_token + 1)}; the new value
 *       comes back in the OK packet's insert id ({@code getGeneratedKeys()}), no {@code SELECT};</li>
 *   <li>set: {@code UPDATE ... SET token = ? WHERE owner AND token = 0}: one row means granted, and
 *       is the read-back of the claim;</li>
 *   <li>release: {@code DELETE ... WHERE owner AND expires_at > UTC_TIMESTAMP(3)}.</li>
 * </ol>
 * The draw comes after the claim, as LockTableSql requires for growing tokens; a denied claim
 * wastes one counter value. A multi-table UPDATE could draw and set in one statement, but MySQL does
 * not define the order of assignments across its tables, so it is not a protocol to build on. No key
 * hashing: the key stands in for its hash. distlock sends the same four on MariaDB; its claim's
 * {@code RETURNING} also reads who holds the key and for how long, which a denied attempt reports.
 */
final class MariaDbFloor extends TableFloor {

    /** Params: 1 key, 2 key, 3 owner, 4 lease ms, 5 owner, 6 lease ms. Keep expires_at last (see MySqlLockTableSql). */
    static final String CLAIM = """
            INSERT INTO bench_floor (key_hash, lock_key, owner, token, acquired_at, expires_at)
            VALUES (?, ?, ?, 0, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3) + INTERVAL ? * 1000 MICROSECOND)
            ON DUPLICATE KEY UPDATE
                token       = IF(expires_at <= UTC_TIMESTAMP(3), 0, token),
                acquired_at = IF(expires_at <= UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), acquired_at),
                owner       = IF(expires_at <= UTC_TIMESTAMP(3), ?, owner),
                expires_at  = IF(expires_at <= UTC_TIMESTAMP(3), UTC_TIMESTAMP(3) + INTERVAL ? * 1000 MICROSECOND, expires_at)
            """;

    /** No params. The next token, left in the OK packet's insert id. */
    static final String DRAW = "UPDATE bench_floor_tokens SET last_token = LAST_INSERT_ID(last_token + 1) WHERE id = 1";

    /** Params: 1 token, 2 key, 3 owner. One row updated while the claim is still ours and undrawn. */
    static final String SET_TOKEN = "UPDATE bench_floor SET token = ? WHERE key_hash = ? AND owner = ? AND token = 0";

    /** Params: 1 key, 2 owner. Deletes one row while the owner's lease runs. */
    static final String RELEASE = "DELETE FROM bench_floor WHERE key_hash = ? AND owner = ? AND expires_at > UTC_TIMESTAMP(3)";

    MariaDbFloor(DataSource pool) throws SQLException {
        super(pool);
        JdbcBench.execute(pool, "CREATE TABLE bench_floor (key_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL "
                + "PRIMARY KEY, lock_key TEXT NOT NULL, owner VARCHAR(255) NOT NULL, token BIGINT NOT NULL, "
                + "acquired_at DATETIME(3) NOT NULL, expires_at DATETIME(3) NOT NULL) ENGINE = InnoDB");
        JdbcBench.execute(pool, "CREATE TABLE bench_floor_tokens (id INT NOT NULL PRIMARY KEY, last_token BIGINT NOT NULL) "
                + "ENGINE = InnoDB");
        JdbcBench.execute(pool, "INSERT INTO bench_floor_tokens (id, last_token) VALUES (1, 0)");
    }

    @Override
    protected void grant(Connection connection, String key) throws SQLException {
        long lease = JdbcBench.LEASE.toMillis();
        try (PreparedStatement claim = connection.prepareStatement(CLAIM)) {
            claim.setString(1, key);
            claim.setString(2, key);
            claim.setString(3, owner);
            claim.setLong(4, lease);
            claim.setString(5, owner);
            claim.setLong(6, lease);
            claim.executeUpdate();
        }
        long token;
        try (PreparedStatement draw = connection.prepareStatement(DRAW, Statement.RETURN_GENERATED_KEYS)) {
            draw.executeUpdate();
            try (ResultSet drawn = draw.getGeneratedKeys()) {
                drawn.next();
                token = drawn.getLong(1);
            }
        }
        try (PreparedStatement set = connection.prepareStatement(SET_TOKEN)) {
            set.setLong(1, token);
            set.setString(2, key);
            set.setString(3, owner);
            if (set.executeUpdate() != 1) {
                throw new NotGranted(key);
            }
        }
    }

    @Override
    protected String releaseSql() {
        return RELEASE;
    }
}
