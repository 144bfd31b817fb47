package dev.distlock.jdbc;

import static dev.distlock.testsupport.BackendCalls.owner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.JdbcTemplate;

import com.zaxxer.hikari.HikariDataSource;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;

/**
 * The two steps of a grant, claim and draw, taken apart on H2 in every dialect H2 runs (its own and
 * portable SQL): a holder whose draw comes after its claim expired and another owner took the key is
 * denied, so that the later owner's token is the larger; and the upgrade and footprint of the
 * portable dialect, which the per-database scenarios do not run.
 */
class TokenDrawTest {

    private static TestDatabase database;
    private static HikariDataSource pool;

    @BeforeAll
    static void startDatabase() {
        database = TestDatabase.create(TestDatabase.Kind.H2, "token-draw");
        pool = database.pool();
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        database.close();
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDialect.class, names = {"H2", "PORTABLE"})
    void aDrawAfterAnotherOwnerTookTheExpiredClaimIsDenied(JdbcDialect dialect) throws SQLException {
        try (JdbcLockBackend backend = backend(dialect, "draw_" + suffix())) {
            String key = "draw:" + suffix();
            String hash = JdbcKeyLayout.hash(key);
            String late = owner();
            try (Connection connection = pool.getConnection()) {
                assertThat(backend.sql().claim(connection, hash, key, late, 1))
                        .as("claimed, token not yet drawn").isEqualTo(AcquireResult.granted(LockTableSql.UNDRAWN));
            }
            AcquireRequest next = new AcquireRequest(key, owner(), Duration.ofSeconds(60), false);
            await().atMost(Duration.ofSeconds(10)).until(() -> backend.tryAcquire(next) instanceof AcquireResult.Granted);
            long nextToken = ((AcquireResult.Granted) backend.tryAcquire(next)).fencingToken();
            try (Connection connection = pool.getConnection()) {
                assertThat(backend.sql().drawToken(connection, hash, late)).as("the late draw")
                        .isInstanceOf(AcquireResult.Denied.class);
                assertThat(backend.sql().nextToken(connection)).as("the source went on").isGreaterThan(nextToken);
            }
            assertThat(backend.release(key, next.owner())).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDialect.class, names = {"H2", "PORTABLE"})
    void releasedKeysLeaveNoRowAndAnOldTableGrantsAboveItsHighestToken(JdbcDialect dialect) {
        String table = "old_" + suffix();
        JdbcTemplate jdbc = new JdbcTemplate(pool);
        jdbc.execute(SchemaInitializer.statements(SchemaInitializer.read(dialect.schemaResource())).get(0)
                .replace("distlock_locks", table));
        String old = "old:" + suffix();
        jdbc.update("INSERT INTO " + table + " (key_hash, lock_key, owner, token, acquired_at, expires_at) VALUES "
                + "(?, ?, 'old:1', 5000, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", JdbcKeyLayout.hash(old), old);

        try (JdbcLockBackend backend = backend(dialect, table)) {
            String prefix = "order:" + suffix() + ":";
            for (int order = 0; order < 503; order++) {
                String owner = owner();
                AcquireResult granted = backend.tryAcquire(new AcquireRequest(prefix + order, owner, Duration.ofSeconds(60), false));
                assertThat(((AcquireResult.Granted) granted).fencingToken()).isGreaterThan(5000);
                assertThat(backend.release(prefix + order, owner)).isTrue();
            }
            assertThat(JdbcLockBackendScenarios.rowsOfKeysStartingWith(pool, table, prefix)).isZero();
        }
    }

    private static JdbcLockBackend backend(JdbcDialect dialect, String table) {
        return JdbcLockBackend.create(JdbcSettings.builder(pool).dialect(dialect).tableName(table)
                .initializeSchema(true).build());
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
