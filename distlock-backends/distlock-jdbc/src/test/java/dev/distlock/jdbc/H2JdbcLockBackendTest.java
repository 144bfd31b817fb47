package dev.distlock.jdbc;

/** The JDBC backend's own promises on H2. */
class H2JdbcLockBackendTest extends JdbcLockBackendScenarios {

    H2JdbcLockBackendTest() {
        super(TestDatabase.Kind.H2);
    }
}
