package dev.distlock.benchmarks.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

import javax.sql.DataSource;

import dev.distlock.benchmarks.support.LockClient;

/**
 * What the JDBC floors share: one pooled autocommit connection per acquisition for the dialect's
 * statements ({@link #grant}), and the owner-checked release ({@link #releaseSql()}) on another.
 */
abstract class TableFloor implements LockClient {

    protected final DataSource pool;
    protected final String owner = UUID.randomUUID().toString();

    TableFloor(DataSource pool) {
        this.pool = pool;
    }

    /** The dialect's statements of one grant; throws {@link NotGranted} when the key is held. */
    protected abstract void grant(Connection connection, String key) throws SQLException;

    /** Params: 1 key, 2 owner. Deletes one row while the owner's lease runs. */
    protected abstract String releaseSql();

    @Override
    public final Held acquire(String key) {
        try (Connection connection = pool.getConnection()) {
            grant(connection, key);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return () -> JdbcBench.update(pool, releaseSql(), key, owner);
    }

    @Override
    public void close() {
    }
}
