package dev.distlock.jdbc;

/** The JDBC backend's own promises on Postgres. */
class PostgresJdbcLockBackendTest extends JdbcLockBackendScenarios {

    PostgresJdbcLockBackendTest() {
        super(TestDatabase.Kind.POSTGRESQL);
    }
}
