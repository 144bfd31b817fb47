package dev.distlock.jdbc;

/** The JDBC backend's own promises on MariaDB. */
class MariaDbJdbcLockBackendIT extends JdbcLockBackendScenarios {

    MariaDbJdbcLockBackendIT() {
        super(TestDatabase.Kind.MARIADB);
    }
}
