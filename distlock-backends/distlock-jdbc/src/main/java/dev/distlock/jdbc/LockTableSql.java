package dev.distlock.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

import dev.distlock.spi.AcquireResult;

/**
 * The statements of one dialect on one lock table, and how an acquisition is run with them.
 *
 * <p>Rules every dialect keeps:
 * <ul>
 *   <li>Every time is the database's ({@code now()}, {@code UTC_TIMESTAMP(3)}, {@code CURRENT_TIMESTAMP});
 *       the client only ever sends durations in milliseconds, never a point in time.</li>
 *   <li>A key is free when {@code expires_at <= <database now>}.</li>
 *   <li>{@code token} grows by one on every grant (a free key taken, by anyone) and stays when the
 *       holder re-acquires (a retry after a lost reply); release only sets {@code expires_at} to now.</li>
 *   <li>Renew and release match {@code owner}, and only while the lease has not run out.</li>
 * </ul>
 * Statements are templates with {@code {table}} replaced by the validated table name.
 */
abstract class LockTableSql {

    protected final String table;
    private final int timeoutSeconds;
    private final String renewSql;
    private final String releaseSql;
    private final String stateSql;
    private final String purgeSql;

    /**
     * @param renew   template of {@link #renewSql()}
     * @param release template of {@link #releaseSql()}
     * @param state   template of {@link #stateSql()}
     * @param purge   template of {@link #purgeSql()}
     */
    LockTableSql(String table, int timeoutSeconds, String renew, String release, String state, String purge) {
        this.table = table;
        this.timeoutSeconds = timeoutSeconds;
        this.renewSql = forTable(renew);
        this.releaseSql = forTable(release);
        this.stateSql = forTable(state);
        this.purgeSql = forTable(purge);
    }

    /**
     * One attempt to take the key, on an autocommit connection of our own.
     *
     * @param keyHash   {@link LockKeys#hash} of the key: the primary key
     * @param key       the full key, stored for display
     * @param ttlMillis the lease, counted by the database from its own now
     */
    abstract AcquireResult acquire(Connection connection, String keyHash, String key, String owner, long ttlMillis)
            throws SQLException;

    /** Statement: params 1 ttl ms, 2 key_hash, 3 owner. One row updated while {@code owner} holds the key. */
    final String renewSql() {
        return renewSql;
    }

    /** Statement: params 1 key_hash, 2 owner. One row updated (or returned) while {@code owner} held the key. */
    final String releaseSql() {
        return releaseSql;
    }

    /**
     * Query: param 1 key_hash. Returns at most one row: owner, token, and the milliseconds the lease
     * has left by the database clock (negative when run out; SQL NULL when the dialect cannot tell).
     */
    final String stateSql() {
        return stateSql;
    }

    /** Statement: param 1 idle ms. Deletes rows that expired more than that long ago. */
    final String purgeSql() {
        return purgeSql;
    }

    /** Milliseconds as the dialect counts them in a lease (portable SQL rounds up to seconds). */
    long leaseMillis(long ttlMillis) {
        return Math.max(0, ttlMillis);
    }

    boolean renew(Connection connection, String keyHash, String owner, long ttlMillis) throws SQLException {
        return update(connection, renewSql(), leaseMillis(ttlMillis), keyHash, owner) == 1;
    }

    boolean release(Connection connection, String keyHash, String owner) throws SQLException {
        return update(connection, releaseSql(), keyHash, owner) == 1;
    }

    int purge(Connection connection, long idleMillis) throws SQLException {
        return update(connection, purgeSql(), leaseMillis(idleMillis));
    }

    /** Query: no params. Fails when the table is missing; returns no rows. */
    String probeSql() {
        return "SELECT token FROM " + table + " WHERE 1 = 0";
    }

    /**
     * Reads who holds the key after an upsert: granted when the row is ours. Safe as a second
     * statement because only an expiry can change the owner in between, and then we report
     * "denied" for a grant we will never use.
     */
    protected AcquireResult readBack(Connection connection, String keyHash, String owner) throws SQLException {
        try (PreparedStatement statement = prepare(connection, stateSql(), keyHash);
             ResultSet row = statement.executeQuery()) {
            if (!row.next()) {
                return AcquireResult.denied();
            }
            String holder = row.getString(1);
            long token = row.getLong(2);
            if (owner.equals(holder)) {
                return AcquireResult.granted(token);
            }
            return denied(row, 3);
        }
    }

    protected static AcquireResult denied(ResultSet row, int remainingColumn) throws SQLException {
        long remaining = row.getLong(remainingColumn);
        if (row.wasNull()) {
            return AcquireResult.denied();
        }
        return AcquireResult.denied(Duration.ofMillis(Math.max(0, remaining)));
    }

    protected PreparedStatement prepare(Connection connection, String sql, Object... params) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            statement.setQueryTimeout(timeoutSeconds);
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    protected int update(Connection connection, String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, params)) {
            return statement.executeUpdate();
        }
    }

    protected final String forTable(String template) {
        return template.replace("{table}", table);
    }
}
