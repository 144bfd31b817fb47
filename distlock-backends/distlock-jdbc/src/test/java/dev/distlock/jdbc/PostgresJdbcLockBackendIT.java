package dev.distlock.jdbc;

/** The JDBC backend's own promises on Postgres. */
class PostgresJdbcLockBackendIT extends JdbcLockBackendScenarios {

    PostgresJdbcLockBackendIT() {
        super(TestDatabase.Kind.POSTGRESQL);
    }
}
