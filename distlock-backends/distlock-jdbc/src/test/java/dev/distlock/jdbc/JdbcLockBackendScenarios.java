package dev.distlock.jdbc;

import static dev.distlock.testsupport.BackendCalls.owner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.zaxxer.hikari.HikariDataSource;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.RenewRequest;
import dev.distlock.spi.RenewResult;
import dev.distlock.testsupport.FreePorts;

/**
 * What the JDBC backend promises beyond the contract suite, on one real database per subclass:
 * independence from the caller's transaction, the database clock, literal keys, the counter.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class JdbcLockBackendScenarios {

    private static final Duration LONG_LEASE = Duration.ofSeconds(60);

    private static final List<TestDatabase> databases = new ArrayList<>();
    private final List<JdbcLockBackend> backends = new ArrayList<>();
    private final TestDatabase database;
    private final HikariDataSource pool;

    JdbcLockBackendScenarios(TestDatabase.Kind kind) {
        synchronized (databases) {
            TestDatabase existing = databases.stream().filter(d -> d.kind() == kind).findFirst().orElse(null);
            this.database = existing != null ? existing : TestDatabase.create(kind, "scenarios");
            if (existing == null) {
                databases.add(database);
            }
        }
        this.pool = database.pool();
        backend(pool); // creates the table
    }

    @AfterEach
    void closeBackends() {
        backends.forEach(JdbcLockBackend::close);
        pool.close();
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        synchronized (databases) {
            for (TestDatabase database : databases) {
                database.close();
            }
            databases.clear();
        }
    }

    @Test
    void aMissingLockTableIsNamedWithItsScriptAndThePropertyThatCreatesIt() {
        String table = "locks_nobody_created";
        JdbcLockBackend backend = JdbcLockBackend.create(JdbcSettings.builder(pool).tableName(table).initializeSchema(false).build());
        backends.add(backend);
        String fix = "does not exist: create it with " + backend.dialect().schemaResource()
                + " (or set distlock.jdbc.initialize-schema=always)";

        assertThatThrownBy(() -> backend.tryAcquire(request(key("no-table"), owner())))
                .isInstanceOf(LockBackendException.class).hasMessageContaining(table).hasMessageContaining(fix);
        assertThat(backend.health().up()).isFalse();
        assertThat(backend.health().reason()).contains(table).contains(fix);
    }

    @Test
    void lockTakenInsideACallerTransactionIsVisibleAtOnceAndSurvivesItsRollback() {
        JdbcLockBackend holder = backend(pool);
        JdbcLockBackend other = backend(pool);
        JdbcTemplate caller = new JdbcTemplate(pool);
        String orders = "orders_" + suffix();
        caller.execute("CREATE TABLE " + orders + " (id INT PRIMARY KEY)");
        String key = key("tx");
        String owner = owner();

        new TransactionTemplate(new DataSourceTransactionManager(pool)).executeWithoutResult(status -> {
            caller.update("INSERT INTO " + orders + " (id) VALUES (1)"); // the caller's transaction is open
            assertThat(holder.tryAcquire(request(key, owner))).isInstanceOf(AcquireResult.Granted.class);

            // Another client, on another thread, sees the lock before the caller's transaction ends.
            AcquireResult seen = CompletableFuture.supplyAsync(() -> other.tryAcquire(request(key, owner())))
                    .orTimeout(10, TimeUnit.SECONDS).join();
            assertThat(seen).isInstanceOf(AcquireResult.Denied.class);
            status.setRollbackOnly();
        });

        assertThat(caller.queryForObject("SELECT COUNT(*) FROM " + orders, Integer.class)).as("rolled back").isZero();
        assertThat(other.tryAcquire(request(key, owner()))).as("lock after rollback").isInstanceOf(AcquireResult.Denied.class);
        assertThat(holder.release(key, owner)).isTrue();
    }

    @Test
    void poolWithAutoCommitOffStillCommitsEveryLockStatementAtOnce() {
        HikariDataSource manualCommitPool = database.pool(config -> config.setAutoCommit(false));
        JdbcLockBackend holder = backend(manualCommitPool);
        JdbcLockBackend other = backend(pool);
        String key = key("autocommit-off");
        String owner = owner();

        assertThat(holder.tryAcquire(request(key, owner))).isInstanceOf(AcquireResult.Granted.class);
        assertThat(other.tryAcquire(request(key, owner()))).isInstanceOf(AcquireResult.Denied.class);
        assertThat(holder.release(key, owner)).isTrue();
        assertThat(other.tryAcquire(request(key, owner()))).isInstanceOf(AcquireResult.Granted.class);
    }

    @Test
    void clientsInFarApartSessionTimeZonesAgreeOnTheLease() {
        JdbcLockBackend east = backend(database.pool(c -> c.setConnectionInitSql(database.setSessionTimeZone("+13:00"))));
        JdbcLockBackend west = backend(database.pool(c -> c.setConnectionInitSql(database.setSessionTimeZone("-12:00"))));
        String key = key("time-zones");
        String eastOwner = owner();

        assertThat(east.tryAcquire(request(key, eastOwner))).isInstanceOf(AcquireResult.Granted.class);
        AcquireResult denied = west.tryAcquire(request(key, owner()));
        assertThat(denied).isInstanceOf(AcquireResult.Denied.class);
        // 25 hours apart on the wall, yet the west client sees the east lease end within its 60 s.
        assertThat(((AcquireResult.Denied) denied).holderRemaining()).isBetween(Duration.ZERO, LONG_LEASE);

        String shortKey = key("time-zones-short");
        String westOwner = owner();
        assertThat(west.tryAcquire(new AcquireRequest(shortKey, westOwner, Duration.ofSeconds(1), false)))
                .isInstanceOf(AcquireResult.Granted.class);
        assertThat(east.tryAcquire(request(shortKey, owner()))).isInstanceOf(AcquireResult.Denied.class);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> east.tryAcquire(request(shortKey, owner())) instanceof AcquireResult.Granted);
        assertThat(west.renew(shortKey, westOwner, LONG_LEASE)).as("renewal after losing it").isFalse();
    }

    @Test
    void keyWithSqlSyntaxIsStoredAndMatchedLiterally() throws SQLException {
        JdbcLockBackend first = backend(pool);
        JdbcLockBackend second = backend(pool);
        String key = key("x'); DROP TABLE distlock_locks; -- \" /* */ ` \\ %_ ;");
        String owner = owner();

        assertThat(first.tryAcquire(request(key, owner))).isInstanceOf(AcquireResult.Granted.class);
        assertThat(second.tryAcquire(request(key, owner()))).isInstanceOf(AcquireResult.Denied.class);
        assertThat(second.tryAcquire(request(key.replace("'", "''"), owner())))
                .as("the escaped spelling is another key").isInstanceOf(AcquireResult.Granted.class);
        assertThat(storedKey(JdbcKeyLayout.hash(key))).isEqualTo(key);
        assertThat(first.release(key, owner)).isTrue();
    }

    @Test
    void releasedKeysLeaveNoRowBehind() {
        JdbcLockBackend backend = backend(pool);
        String prefix = "scenario:" + suffix() + ":order-";
        for (int order = 0; order < 503; order++) { // as key = "#order.id" locks one key per order
            String owner = owner();
            assertThat(backend.tryAcquire(request(prefix + order, owner))).isInstanceOf(AcquireResult.Granted.class);
            assertThat(backend.release(prefix + order, owner)).isTrue();
        }
        assertThat(rowsOfKeysStartingWith(pool, "distlock_locks", prefix)).as("rows left after release").isZero();
    }

    @Test
    void tokensOfOneKeyGrowAcrossReleasesAndTakeoversOfExpiredRows() {
        JdbcLockBackend backend = backend(pool);
        JdbcLockBackend other = backend(pool);
        String key = key("counter");
        List<Long> tokens = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String owner = owner();
            tokens.add(token(backend.tryAcquire(request(key, owner))));
            assertThat(backend.release(key, owner)).isTrue();
        }
        for (int i = 0; i < 3; i++) { // abandoned holders: the next one takes over the expired row
            AcquireRequest abandoned = new AcquireRequest(key, owner(), Duration.ofMillis(200), false);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> other.tryAcquire(abandoned) instanceof AcquireResult.Granted);
            tokens.add(token(other.tryAcquire(abandoned)));
        }
        String retried = owner();
        AcquireRequest last = request(key, retried);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> backend.tryAcquire(last) instanceof AcquireResult.Granted);
        long lastToken = token(backend.tryAcquire(last));
        assertThat(token(backend.tryAcquire(last))).as("a retry of the holder keeps its token").isEqualTo(lastToken);
        tokens.add(lastToken);
        assertThat(tokens).as("tokens of one key").isSorted().doesNotHaveDuplicates();
        assertThat(backend.release(key, retried)).isTrue();
    }

    @Test
    void tokensGrowAcrossKeysOfOneTable() {
        JdbcLockBackend backend = backend(pool);
        long previous = 0;
        for (int i = 0; i < 5; i++) {
            String key = key("across-" + i);
            String owner = owner();
            long token = token(backend.tryAcquire(request(key, owner)));
            assertThat(token).as("grant %d, a new key", i).isGreaterThan(previous);
            previous = token;
            assertThat(backend.release(key, owner)).isTrue();
        }
    }

    @Test
    void tableOfThePreviousVersionGrantsTokensAboveItsHighestOne() throws SQLException {
        String table = "old_locks_" + suffix();
        JdbcTemplate jdbc = new JdbcTemplate(pool);
        JdbcDialect dialect = backend(pool).dialect();
        // The previous version's table (the same CREATE TABLE), with the rows it left: one per key
        // ever locked, released ones expired, each with its own counter.
        jdbc.execute(SchemaInitializer.statements(SchemaInitializer.read(dialect.schemaResource())).get(0)
                .replace("distlock_locks", table));
        String reused = key("old-reused");
        String idle = key("old-idle");
        insertOldRow(jdbc, table, reused, 1_000_000);
        insertOldRow(jdbc, table, idle, 7);

        assertThatThrownBy(() -> JdbcLockBackend.create(JdbcSettings.builder(pool).tableName(table).build()))
                .as("without initialize-schema, start-up says what to run")
                .isInstanceOf(LockBackendException.class).hasMessageContaining(table)
                .hasMessageContaining(table + "_tokens").hasMessageContaining("100000"); // the DDL starts the source above the highest token

        JdbcLockBackend upgraded = JdbcLockBackend.create(JdbcSettings.builder(pool).tableName(table)
                .initializeSchema(true).build());
        backends.add(upgraded);
        String owner = owner();
        assertThat(token(upgraded.tryAcquire(request(reused, owner)))).as("old key").isGreaterThan(1_000_000);
        assertThat(upgraded.release(reused, owner)).isTrue();
        assertThat(token(upgraded.tryAcquire(request(key("new"), owner())))).as("new key").isGreaterThan(1_000_000);
        assertThat(token(upgraded.tryAcquire(request(idle, owner())))).as("idle old key").isGreaterThan(1_000_000);
        assertThat(rowsOfKeysStartingWith(pool, table, reused)).as("the reused old row, released").isZero();
    }

    private void insertOldRow(JdbcTemplate jdbc, String table, String key, long token) {
        String past = switch (database.kind()) {
            case POSTGRESQL -> "now() - INTERVAL '1 hour'";
            case MARIADB -> "UTC_TIMESTAMP(3) - INTERVAL 1 HOUR";
            case H2 -> "DATEADD(HOUR, -1, CURRENT_TIMESTAMP)";
        };
        jdbc.update("INSERT INTO " + table + " (key_hash, lock_key, owner, token, acquired_at, expires_at) VALUES (?, ?, ?, ?, "
                + past + ", " + past + ")", JdbcKeyLayout.hash(key), key, "old:1", token);
    }

    static int rowsOfKeysStartingWith(DataSource dataSource, String table, String prefix) {
        return new JdbcTemplate(dataSource).queryForObject("SELECT COUNT(*) FROM " + table + " WHERE lock_key LIKE ?",
                Integer.class, prefix + "%");
    }

    private static long token(AcquireResult result) {
        assertThat(result).isInstanceOf(AcquireResult.Granted.class);
        return ((AcquireResult.Granted) result).fencingToken();
    }

    @Test
    void concurrentFirstAcquisitionsOfANewKeyGrantExactlyOne() throws Exception {
        int clients = 8;
        List<JdbcLockBackend> contenders = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            contenders.add(backend(pool));
        }
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        try {
            for (int round = 0; round < 10; round++) {
                String key = key("race-" + round);
                CyclicBarrier start = new CyclicBarrier(clients);
                List<Future<AcquireResult>> results = new ArrayList<>();
                for (JdbcLockBackend contender : contenders) {
                    results.add(threads.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        return contender.tryAcquire(request(key, owner()));
                    }));
                }
                int granted = 0;
                for (Future<AcquireResult> result : results) {
                    if (result.get(20, TimeUnit.SECONDS) instanceof AcquireResult.Granted) {
                        granted++;
                    }
                }
                assertThat(granted).as("grants in round %d", round).isEqualTo(1);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void customTableNameIsCreatedAndUsed() {
        String table = "custom_locks_" + suffix();
        JdbcLockBackend backend = JdbcLockBackend.create(JdbcSettings.builder(pool).tableName(table)
                .initializeSchema(true).build());
        backends.add(backend);
        JdbcLockBackend.create(JdbcSettings.builder(pool).tableName(table).initializeSchema(true).build()).close();

        String owner = owner();
        assertThat(backend.tryAcquire(request(key("custom"), owner))).isInstanceOf(AcquireResult.Granted.class);
        assertThat(new JdbcTemplate(pool).queryForObject("SELECT COUNT(*) FROM " + table, Integer.class)).isEqualTo(1);
        assertThat(backend.health().up()).isTrue();
    }

    @Test
    void unreachableDatabaseIsAnExceptionAndHealthIsDown() {
        HikariDataSource doomed = database.pool(config -> config.setConnectionTimeout(500));
        JdbcLockBackend backend = backend(doomed);
        assertThat(backend.health().up()).isTrue();
        doomed.close();

        assertThatThrownBy(() -> backend.tryAcquire(request(key("down"), owner())))
                .isInstanceOf(LockBackendException.class);
        assertThatThrownBy(() -> backend.renew(key("down"), owner(), LONG_LEASE)).isInstanceOf(LockBackendException.class);
        assertThat(backend.health().up()).isFalse();
    }

    @Test
    void withTheDialectSetTheBackendStartsWhileTheDatabaseIsDown() {
        int closedPort = FreePorts.next();
        HikariDataSource down = database.pool(config -> {
            config.setConnectionTimeout(500);
            config.setInitializationFailTimeout(-1);
            config.setJdbcUrl(database.kind() == TestDatabase.Kind.H2 ? "jdbc:h2:tcp://127.0.0.1:" + closedPort + "/gone"
                    : config.getJdbcUrl().replaceFirst(":\\d+/", ":" + closedPort + "/"));
        });
        JdbcLockBackend onDown = JdbcLockBackend.create(JdbcSettings.builder(down)
                .dialect(backend(pool).dialect()).build());
        backends.add(onDown);
        assertThat(onDown.health().up()).isFalse();
        assertThatThrownBy(() -> onDown.tryAcquire(request(key("down"), owner()))).isInstanceOf(LockBackendException.class);
    }

    /**
     * Round trips counted at the connection (statements, commits): an uncontended acquire+release and
     * a denied attempt, per database. The figures are the protocol's cost; docs/jdbc.md quotes them.
     */
    @Test
    void uncontendedAcquireAndReleaseAndADeniedAttemptTakeTheDialectsRoundTrips() {
        StatementCountingDataSource counting = new StatementCountingDataSource(pool);
        JdbcLockBackend backend = backend(counting);
        String key = key("round-trips");
        String holder = owner();
        counting.takeCount();

        assertThat(backend.tryAcquire(request(key, holder))).isInstanceOf(AcquireResult.Granted.class);
        assertThat(backend.release(key, holder)).isTrue();
        int uncontended = counting.takeCount();

        assertThat(backend.tryAcquire(request(key, holder))).isInstanceOf(AcquireResult.Granted.class);
        counting.takeCount();
        assertThat(backend.tryAcquire(request(key, owner()))).isInstanceOf(AcquireResult.Denied.class);
        int denied = counting.takeCount();
        assertThat(backend.release(key, holder)).isTrue();

        assertThat(new int[] {uncontended, denied}).as("round trips of acquire+release, of a denied attempt")
                .containsExactly(switch (database.kind()) {
                    case POSTGRESQL -> new int[] {2, 1};
                    case MARIADB -> new int[] {4, 1};
                    case H2 -> new int[] {3, 2};
                });
    }

    /**
     * The renewal sweep renews up to 500 leases in one renewAll: one autocommit statement per 100
     * leases on MySQL/MariaDB and H2 (PostgreSQL: one for all, its arrays need no chunks), not one
     * statement per lease. One lease another owner holds makes MariaDB read back its chunk.
     */
    @Test
    void renewAllOfTwoHundredHeldLeasesTakesAStatementPerHundred() {
        StatementCountingDataSource counting = new StatementCountingDataSource(pool);
        JdbcLockBackend backend = backend(counting);
        List<RenewRequest> held = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            RenewRequest lease = new RenewRequest(key("batch-" + i), owner(), LONG_LEASE);
            assertThat(backend.tryAcquire(request(lease.key(), lease.owner()))).isInstanceOf(AcquireResult.Granted.class);
            held.add(lease);
        }
        counting.takeCount();

        List<RenewResult> answers = backend.renewAll(held);
        int roundTrips = counting.takeCount();

        assertThat(answers).hasSize(200).allMatch(RenewResult::extended);
        assertThat(roundTrips).as("round trips of renewAll of 200 held leases").isEqualTo(switch (database.kind()) {
            case POSTGRESQL -> 1;
            case MARIADB, H2 -> 2;
        });

        String othersKey = key("batch-others");
        assertThat(backend.tryAcquire(request(othersKey, owner()))).isInstanceOf(AcquireResult.Granted.class);
        List<RenewRequest> withALostOne = new ArrayList<>(held);
        withALostOne.add(100, new RenewRequest(othersKey, owner(), LONG_LEASE));
        counting.takeCount();
        List<Boolean> extended = backend.renewAll(withALostOne).stream().map(RenewResult::extended).toList();
        assertThat(extended).as("the lease another owner holds, at index 100").containsOnlyOnce(false)
                .hasSize(201).element(100).isEqualTo(false);
        assertThat(counting.takeCount()).as("round trips of renewAll of 200 held leases and one lost")
                .isEqualTo(switch (database.kind()) {
                    case POSTGRESQL -> 1;
                    case MARIADB -> 4; // 3 chunks, the one with the lost lease read back
                    case H2 -> 3;
                });
        held.forEach(lease -> assertThat(backend.release(lease.key(), lease.owner())).isTrue());
    }

    @Test
    void healthNamesTheDialectAndTable() {
        JdbcLockBackend backend = backend(pool);
        assertThat(backend.health().details()).containsEntry("table", "distlock_locks")
                .containsEntry("dialect", backend.dialect().name());
        assertThat(backend.dialect()).isEqualTo(switch (database.kind()) {
            case POSTGRESQL -> JdbcDialect.POSTGRESQL;
            case MARIADB -> JdbcDialect.MYSQL;
            case H2 -> JdbcDialect.H2;
        });
    }

    private String storedKey(String keyHash) throws SQLException {
        try (Connection connection = pool.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT lock_key FROM distlock_locks WHERE key_hash = ?")) {
            query.setString(1, keyHash);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }

    private JdbcLockBackend backend(DataSource dataSource) {
        JdbcLockBackend backend = JdbcLockBackend.create(JdbcSettings.builder(dataSource).initializeSchema(true).build());
        backends.add(backend);
        return backend;
    }

    private static AcquireRequest request(String key, String owner) {
        return new AcquireRequest(key, owner, LONG_LEASE, false);
    }

    private static String key(String name) {
        return "scenario:" + UUID.randomUUID() + ":" + name;
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
