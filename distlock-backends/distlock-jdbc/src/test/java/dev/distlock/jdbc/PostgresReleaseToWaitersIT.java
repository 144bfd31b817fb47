package dev.distlock.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import dev.distlock.engine.WaitSettings;

/**
 * {@link ReleaseToWaitersContract} on a real PostgreSQL: the waiter it woke must ask first. The waiter
 * hears of the release by NOTIFY; its polls are as an application's.
 */
class PostgresReleaseToWaitersIT extends ReleaseToWaitersContract {

    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.POSTGRESQL;
    }

    @Override
    JdbcDialect dialect() {
        return JdbcDialect.POSTGRESQL;
    }

    @Override
    WaitSettings waitSettings() {
        return new WaitSettings(Duration.ofMillis(10), Duration.ofMillis(500), Duration.ofSeconds(1), WAITERS_FIRST);
    }

    /** Shared advisory locks in the test's own database: the waiter marks of PostgresWaiterMarks. */
    @Override
    long waiterMarks() throws SQLException {
        try (Connection connection = observer.getConnection(); Statement query = connection.createStatement();
             ResultSet row = query.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND mode = 'ShareLock'"
                     + " AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
            row.next();
            return row.getLong(1);
        }
    }

    /** One acquire statement and one release. */
    @Override
    int uncontendedStatements() {
        return 2;
    }
}
