package dev.distlock.jdbc;

/** The JDBC backend's own promises on MariaDB. */
class MariaDbJdbcLockBackendTest extends JdbcLockBackendScenarios {

    MariaDbJdbcLockBackendTest() {
        super(TestDatabase.Kind.MARIADB);
    }
}
