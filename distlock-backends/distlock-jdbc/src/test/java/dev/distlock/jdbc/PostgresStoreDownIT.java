package dev.distlock.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariDataSource;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.LockBackendException;
import dev.distlock.tck.StoreDownContract;
import dev.distlock.testsupport.BackendCalls;
import dev.distlock.testsupport.FaultProxy;
import dev.distlock.testsupport.TimedCall;

/**
 * PostgreSQL behind a fault proxy (the machine's server is shared, so the link dies, not the
 * server), on a Hikari pool with Spring Boot's defaults (a 30 s connection timeout) and the
 * backend's default 5 s statement timeout.
 */
class PostgresStoreDownIT extends StoreDownContract {

    @Override
    protected Store startStore() {
        TestDatabase database = TestDatabase.create(TestDatabase.Kind.POSTGRESQL, "store_down");
        FaultProxy proxy = FaultProxy.to(database.port());
        HikariDataSource pool = database.poolOn(proxy.port());
        return new Store() {
            @Override
            public LockBackend newBackend() {
                return JdbcLockBackend.create(JdbcSettings.builder(pool).initializeSchema(true).build());
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

    @Test
    void aBackendCallToAnUnreachableDatabaseEndsByItselfAfterTheStatementTimeout() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.POSTGRESQL, "unreachable");
             FaultProxy proxy = FaultProxy.to(database.port())) {
            JdbcLockBackend backend = JdbcLockBackend.create(JdbcSettings.builder(database.poolOn(proxy.port()))
                    .initializeSchema(true).statementTimeout(Duration.ofSeconds(1)).build());
            backend.tryAcquire(new AcquireRequest("warm-up", BackendCalls.owner(), Duration.ofSeconds(10), false));
            proxy.blackhole();

            // Without a bound the engine's I/O thread would wait on the socket for ever, after the engine gave up.
            TimedCall call = TimedCall.of("backend.tryAcquire on a blackholed link", Duration.ofSeconds(90),
                    () -> backend.tryAcquire(new AcquireRequest("key", BackendCalls.owner(), Duration.ofSeconds(10), false)));

            // Hikari's connectionTimeout (30 s) bounds getting a connection, the network timeout reading the reply.
            assertThat(call.finishedWithin(Duration.ofSeconds(45))).as(call.toString()).isTrue();
            assertThat(call.thrown()).as(call.toString()).isInstanceOf(LockBackendException.class);
            proxy.restore();
            backend.close();
        }
    }
}
