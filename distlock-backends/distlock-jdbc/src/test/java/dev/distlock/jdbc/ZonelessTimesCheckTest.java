package dev.distlock.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariDataSource;

/** Start-up tells a portable table whose times keep no zone (an old script's) from the current one. */
class ZonelessTimesCheckTest {

    private final TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, "zoneless");
    private final HikariDataSource pool = database.pool();

    @AfterEach
    void close() throws Exception {
        database.close();
    }

    @Test
    void aTableWithPlainTimestampsIsZonelessAndTheShippedScriptIsNot() throws SQLException {
        JdbcLockBackend.create(JdbcSettings.builder(pool).dialect(JdbcDialect.PORTABLE).initializeSchema(true)
                .build()).close();
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE old_locks (key_hash CHAR(64) NOT NULL PRIMARY KEY, "
                    + "lock_key VARCHAR(4000) NOT NULL, owner VARCHAR(255) NOT NULL, token BIGINT NOT NULL, "
                    + "acquired_at TIMESTAMP NOT NULL, expires_at TIMESTAMP NOT NULL)");

            assertThat(ZonelessTimesCheck.isZoneless(connection.getMetaData(), "old_locks")).isTrue();
            assertThat(ZonelessTimesCheck.isZoneless(connection.getMetaData(), "distlock_locks")).isFalse();
            assertThat(ZonelessTimesCheck.isZoneless(connection.getMetaData(), "PUBLIC.old_locks")).isTrue();
        }
    }
}
