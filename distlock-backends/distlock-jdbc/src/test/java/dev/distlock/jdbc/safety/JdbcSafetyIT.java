package dev.distlock.jdbc.safety;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariDataSource;

import dev.distlock.jdbc.JdbcLockBackend;
import dev.distlock.jdbc.JdbcSettings;
import dev.distlock.testsupport.FaultProxy;
import dev.distlock.testsupport.PostgresTestDatabase;
import dev.distlock.testsupport.safety.BackendSafetyScenarios;
import dev.distlock.testsupport.safety.BackendSpec;
import dev.distlock.testsupport.safety.SafetyHarness;
import dev.distlock.testsupport.safety.Scenario;

/**
 * The safety harness on the JDBC backend over PostgreSQL (the lock table in a database of its own,
 * apart from the harness's resource); client 0 reaches it through a fault proxy. The pool's
 * connection timeout (250 ms) is under a third of the 1 s lease.
 */
class JdbcSafetyIT extends BackendSafetyScenarios {

    private static PostgresTestDatabase locks;
    private static FaultProxy proxy;
    private static SafetyHarness harness;

    @BeforeAll
    static void start() {
        locks = PostgresTestDatabase.create("safety_locks");
        URI direct = URI.create(locks.jdbcUrl().substring("jdbc:".length()));
        proxy = FaultProxy.to(direct.getPort());
        String proxied = "jdbc:postgresql://127.0.0.1:" + proxy.port() + direct.getPath();
        createLockTable();
        harness = SafetyHarness.builder("jdbc (postgresql)", JdbcSafetyBackends.class,
                client -> BackendSpec.of("jdbc", Map.of("url", client == 0 ? proxied : locks.jdbcUrl(),
                        "user", locks.user(), "connectionTimeout", Duration.ofMillis(250).toString())))
                .build();
    }

    @AfterAll
    static void stop() {
        proxy.close();
        locks.close();
    }

    @Override
    protected SafetyHarness harness() {
        return harness;
    }

    @Override
    protected Optional<Scenario> connectionCut() {
        return Optional.of(Scenario.cutConnectionRenewalsFail(proxy));
    }

    /** Expiry is read on the database clock: clients an hour ahead and behind change nothing. */
    @Test
    void clientClocksAnHourOffChangeNothing() {
        harness.run(Scenario.skewedClocks(Duration.ofHours(1)));
    }

    /** Once, before the clients start: three clients creating it at once would race on the catalog. */
    private static void createLockTable() {
        try (HikariDataSource pool = JdbcSafetyBackends.pool(BackendSpec.of("jdbc", Map.of("url", locks.jdbcUrl(),
                "user", locks.user(), "connectionTimeout", "PT5S")))) {
            JdbcLockBackend.create(JdbcSettings.builder(pool).initializeSchema(true).build()).close();
        }
    }
}
