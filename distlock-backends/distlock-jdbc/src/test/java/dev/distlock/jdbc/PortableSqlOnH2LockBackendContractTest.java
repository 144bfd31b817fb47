package dev.distlock.jdbc;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.zaxxer.hikari.HikariDataSource;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.LockBackendContract;

/** The contract suite with the portable SQL, the fallback for unknown databases, run on H2. */
class PortableSqlOnH2LockBackendContractTest extends LockBackendContract {

    private static TestDatabase database;
    private static HikariDataSource pool;

    @BeforeAll
    static void createDatabase() {
        database = TestDatabase.create(TestDatabase.Kind.H2, "portable");
        pool = database.pool();
        newPortableBackend(true).close();
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        database.close();
    }

    @Override
    protected LockBackend newBackend() {
        return newPortableBackend(false);
    }

    private static JdbcLockBackend newPortableBackend(boolean initializeSchema) {
        return JdbcLockBackend.create(JdbcLockSettings.builder(pool).dialect(JdbcDialect.PORTABLE)
                .initializeSchema(initializeSchema).build());
    }
}
