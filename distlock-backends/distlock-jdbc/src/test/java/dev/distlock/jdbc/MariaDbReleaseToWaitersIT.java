package dev.distlock.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

import dev.distlock.engine.WaitSettings;

/**
 * {@link ReleaseToWaitersContract} on a real MariaDB, which has no notifications: without the waiter
 * marks its release reads, a polling waiter would only win when its poll fell between a release and
 * the releaser's next attempt, and would starve.
 */
class MariaDbReleaseToWaitersIT extends ReleaseToWaitersContract {

    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.MARIADB;
    }

    @Override
    JdbcDialect dialect() {
        return JdbcDialect.MYSQL;
    }

    /** Back-off polls far apart: the waiter must not win by a poll that happens to fall after the release. */
    @Override
    WaitSettings waitSettings() {
        return new WaitSettings(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), WAITERS_FIRST);
    }

    /** The waiter marks of the key, user locks as MySqlWaiterMarks takes them, held by any session. */
    @Override
    long waiterMarks() throws SQLException {
        MySqlWaiterMarks.Names names = new MySqlWaiterMarks.Names(JdbcSettings.builder(observer).build().tableName());
        String keyHash = JdbcKeyLayout.hash("waiters-first:job");
        long marks = 0;
        try (Connection connection = observer.getConnection()) {
            for (int slot = 0; slot < MySqlWaiterMarks.SLOTS; slot++) {
                try (PreparedStatement query = connection.prepareStatement("SELECT IS_USED_LOCK(?) IS NOT NULL")) {
                    query.setString(1, names.name(connection, keyHash, slot));
                    try (ResultSet row = query.executeQuery()) {
                        row.next();
                        marks += row.getBoolean(1) ? 1 : 0;
                    }
                }
            }
        }
        return marks;
    }

    /** Claim, counter, token write, release. */
    @Override
    int uncontendedStatements() {
        return 4;
    }
}
