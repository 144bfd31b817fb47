package dev.distlock.shedlock;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.distlock.jdbc.JdbcLockBackend;
import dev.distlock.jdbc.JdbcSettings;
import dev.distlock.spi.LockBackend;
import dev.distlock.testsupport.PostgresTestDatabase;

/** The provider contract on the JDBC backend, on the machine's PostgreSQL (a database of its own). */
class PostgresDistlockLockProviderIT extends DistlockLockProviderContract {

    private static PostgresTestDatabase database;
    private static HikariDataSource pool;

    @BeforeAll
    static void createDatabase() {
        database = PostgresTestDatabase.create("shedlock_provider");
        pool = Pools.of(database);
        JdbcLockBackend.create(JdbcSettings.builder(pool).initializeSchema(true).build()).close();
    }

    @AfterAll
    static void dropDatabase() {
        if (pool != null) {
            pool.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Override
    protected LockBackend newBackend() {
        return JdbcLockBackend.create(JdbcSettings.builder(pool).build());
    }
}
