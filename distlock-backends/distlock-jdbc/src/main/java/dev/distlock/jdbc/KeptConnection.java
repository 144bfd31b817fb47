package dev.distlock.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

/**
 * A connection the backend keeps out of the pool because its session holds locks for waiters (the
 * waiter marks of PostgreSQL and MySQL/MariaDB): opened in autocommit with every socket read bounded,
 * and never returned to the pool, which would keep the session and with it the marks; it is aborted,
 * which ends the session without sending anything to a store that may be the one not answering.
 */
final class KeptConnection {

    private KeptConnection() {
    }

    /** A connection of the pool for marks; aborted again when it cannot be set up. */
    static Connection open(DataSource dataSource, int networkTimeoutMillis) throws SQLException {
        Connection opened = dataSource.getConnection();
        try {
            opened.setAutoCommit(true);
            opened.setNetworkTimeout(Runnable::run, networkTimeoutMillis);
            return opened;
        } catch (SQLException | RuntimeException e) {
            abort(opened);
            throw e;
        }
    }

    static void abort(@Nullable Connection used) {
        if (used == null) {
            return;
        }
        try (used) {
            used.abort(Runnable::run);
        } catch (SQLException | RuntimeException ignored) {
            // its session, and its marks, are gone with the connection either way
        }
    }
}
