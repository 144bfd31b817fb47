package dev.distlock.jdbc;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.zaxxer.hikari.HikariDataSource;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.LockBackendContract;

/** The contract suite on a H2 in-memory database; waiters poll. */
class H2JdbcLockBackendContractTest extends LockBackendContract {

    private static TestDatabase database;
    private static HikariDataSource pool;

    @BeforeAll
    static void createDatabase() {
        database = TestDatabase.create(TestDatabase.Kind.H2, "contract");
        pool = database.pool();
        JdbcLockBackend.create(JdbcLockSettings.builder(pool).initializeSchema(true).build()).close();
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        database.close();
    }

    @Override
    protected LockBackend newBackend() {
        return JdbcLockBackend.create(JdbcLockSettings.builder(pool).build());
    }
}
