package dev.distlock.jdbc;

import static dev.distlock.testsupport.BackendCalls.owner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariDataSource;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;

/**
 * The MySQL statements (no RETURNING: the claim is read back) run on MariaDB, since the build has no
 * MySQL server: they grant, deny, keep a retry's token and grow tokens across holders and takeovers,
 * in the round trips docs/jdbc.md gives for MySQL.
 */
class MySqlStatementsOnMariaDbIT {

    private static final Duration LEASE = Duration.ofSeconds(60);

    private static TestDatabase database;
    private static HikariDataSource pool;

    @BeforeAll
    static void startDatabase() {
        database = TestDatabase.create(TestDatabase.Kind.MARIADB, "mysql_statements");
        pool = database.pool();
        JdbcLockBackend.create(JdbcSettings.builder(pool).initializeSchema(true).build()).close();
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        database.close();
    }

    @Test
    void mySqlStatementsGrantDenyAndGrowTokensInTheirRoundTrips() {
        StatementCountingDataSource counting = new StatementCountingDataSource(pool);
        JdbcSettings settings = JdbcSettings.builder(counting).dialect(JdbcDialect.MYSQL).build();
        try (JdbcLockBackend backend = new JdbcLockBackend(settings, JdbcDialect.MYSQL,
                new MySqlLockTableSql(settings.tableName(), settings.statementTimeoutSeconds()).withoutReturning())) {
            String key = "mysql:" + UUID.randomUUID();
            List<Long> tokens = new ArrayList<>();
            String holder = owner();
            counting.takeCount();
            tokens.add(token(backend.tryAcquire(new AcquireRequest(key, holder, LEASE, false))));
            assertThat(backend.release(key, holder)).isTrue();
            assertThat(counting.takeCount()).as("round trips of acquire+release").isEqualTo(5);

            tokens.add(token(backend.tryAcquire(new AcquireRequest(key, holder, LEASE, false))));
            assertThat(token(backend.tryAcquire(new AcquireRequest(key, holder, LEASE, false))))
                    .as("a retry keeps its token").isEqualTo(tokens.get(1));
            counting.takeCount();
            assertThat(backend.tryAcquire(new AcquireRequest(key, owner(), LEASE, false)))
                    .isInstanceOf(AcquireResult.Denied.class);
            assertThat(counting.takeCount()).as("round trips of a denied attempt").isEqualTo(2);
            assertThat(backend.release(key, holder)).isTrue();

            AcquireRequest abandoned = new AcquireRequest(key, owner(), Duration.ofMillis(200), false);
            tokens.add(token(backend.tryAcquire(abandoned)));
            AcquireRequest next = new AcquireRequest(key, owner(), LEASE, false);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> backend.tryAcquire(next) instanceof AcquireResult.Granted);
            tokens.add(token(backend.tryAcquire(next)));
            assertThat(tokens).as("tokens of one key").isSorted().doesNotHaveDuplicates();
            assertThat(backend.release(key, next.owner())).isTrue();
        }
    }

    private static long token(AcquireResult result) {
        assertThat(result).isInstanceOf(AcquireResult.Granted.class);
        return ((AcquireResult.Granted) result).fencingToken();
    }
}
