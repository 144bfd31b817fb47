package dev.distlock.jdbc;

import com.zaxxer.hikari.HikariDataSource;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.StoreDownContract;
import dev.distlock.testsupport.FaultProxy;

/**
 * PostgreSQL behind a fault proxy (the machine's server is shared, so the link dies, not the
 * server), on a Hikari pool with Spring Boot's defaults (a 30 s connection timeout) and the
 * backend's default 5 s statement timeout.
 */
class PostgresStoreDownTest extends StoreDownContract {

    @Override
    protected Store startStore() {
        TestDatabase database = TestDatabase.create(TestDatabase.Kind.POSTGRESQL, "store_down");
        FaultProxy proxy = FaultProxy.to(database.port());
        HikariDataSource pool = database.poolOn(proxy.port());
        return new Store() {
            @Override
            public LockBackend newBackend() {
                return JdbcLockBackend.create(JdbcLockSettings.builder(pool).initializeSchema(true).build());
            }

            @Override
            public void kill() {
                proxy.cut();
            }

            @Override
            public void pause() {
                proxy.blackhole();
            }

            @Override
            public void close() {
                proxy.close();
                try {
                    database.close();
                } catch (Exception e) {
                    throw new IllegalStateException("Could not drop the test database", e);
                }
            }
        };
    }
}
