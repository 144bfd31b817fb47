package dev.distlock.jdbc;

import static dev.distlock.testsupport.BackendCalls.owner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.zaxxer.hikari.HikariDataSource;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.ReleaseOutcome;

/**
 * The PostgreSQL acquire statement against a real server: a denied attempt locks no row and waits
 * for no transaction of the holder's, and a token drawn out of order never reaches a holder.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PostgresStatementsIT {

    private static final Duration LEASE = Duration.ofSeconds(60);

    private static TestDatabase database;
    private static HikariDataSource pool;

    @BeforeAll
    static void startDatabase() {
        database = TestDatabase.create(TestDatabase.Kind.POSTGRESQL, "statements");
        pool = database.pool();
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        database.close();
    }

    /**
     * The holder's renew or release sits in a transaction that has not ended (as a slow commit or
     * a pool's connection mid-statement would leave it): the row is locked, and a denied attempt
     * still answers at once, from the row it reads without locking.
     */
    @ParameterizedTest
    @ValueSource(strings = {"renew", "release"})
    void deniedAttemptWaitsForNoOpenTransactionOnTheHeldRow(String holderStatement) throws Exception {
        try (JdbcLockBackend backend = backend("denied_" + suffix())) {
            String key = "statements:" + suffix();
            String holder = owner();
            assertThat(backend.tryAcquire(new AcquireRequest(key, holder, LEASE, false)))
                    .isInstanceOf(AcquireResult.Granted.class);
            try (Connection open = pool.getConnection()) {
                open.setAutoCommit(false);
                String keyHash = JdbcKeyLayout.hash(key);
                boolean done = holderStatement.equals("renew")
                        ? backend.sql().renew(open, keyHash, holder, LEASE.toMillis())
                        : backend.sql().release(open, keyHash, holder).released();
                assertThat(done).as("the holder's " + holderStatement + ", not yet committed").isTrue();

                CompletableFuture<AcquireResult> denied = CompletableFuture.supplyAsync(
                        () -> backend.tryAcquire(new AcquireRequest(key, owner(), LEASE, false)));
                await().atMost(Duration.ofSeconds(10)).until(denied::isDone);
                assertThat(denied.join()).isInstanceOf(AcquireResult.Denied.class);
                assertThat(((AcquireResult.Denied) denied.join()).holderRemaining())
                        .as("the holder's time left, read in the same statement").isNotNull();
                open.rollback();
            }
            assertThat(backend.release(key, holder)).isTrue();
        }
    }

    /**
     * A trigger draws a token between the moment the INSERT drew its own and the moment its row is
     * in place, as a concurrent grant of another key may: the first statement refuses to commit that
     * token, and the grant draws again once the row is ours.
     */
    @Test
    void aTokenDrawnBeforeItsRowWasInPlaceIsDrawnAgain() throws SQLException {
        String table = "out_of_order_" + suffix();
        try (JdbcLockBackend backend = backend(table)) {
            try (Connection connection = pool.getConnection(); Statement ddl = connection.createStatement()) {
                ddl.execute("CREATE FUNCTION " + table + "_draw() RETURNS trigger LANGUAGE plpgsql AS "
                        + "$$ BEGIN PERFORM nextval('" + table + "_tokens'); RETURN NEW; END $$");
                ddl.execute("CREATE TRIGGER " + table + "_draw BEFORE INSERT ON " + table
                        + " FOR EACH ROW EXECUTE FUNCTION " + table + "_draw()");
            }
            String key = "statements:" + suffix();
            String holder = owner();
            AcquireResult granted = backend.tryAcquire(new AcquireRequest(key, holder, LEASE, false));

            assertThat(granted).isInstanceOf(AcquireResult.Granted.class);
            long token = ((AcquireResult.Granted) granted).fencingToken();
            assertThat(token).as("drawn after every draw before the row was ours").isEqualTo(lastDrawn(table));
            assertThat(tokenInRow(table, JdbcKeyLayout.hash(key))).isEqualTo(token);
            assertThat(backend.release(key, holder)).isTrue();
        }
    }

    /**
     * A release sends pg_notify only while someone waits for the key: none before a waiter
     * subscribes, one that wakes the waiter (another backend, as in another JVM) while it waits,
     * none after it gave up. The release says which it was: to waiters, or with nobody waiting.
     */
    @Test
    void releaseNotifiesOnlyWhileSomeoneWaitsForTheKey() throws Exception {
        String table = "notify_" + suffix();
        try (JdbcLockBackend holder = backend(table); JdbcLockBackend waiter = backend(table);
             Connection listening = pool.getConnection()) {
            listening.setAutoCommit(true);
            try (Statement listen = listening.createStatement()) {
                listen.execute("LISTEN " + PostgresLockTableSql.channelFor(table));
            }
            String key = "statements:" + suffix();

            acquireAndRelease(holder, key);
            assertThat(notificationsSince(listening)).as("released with nobody waiting").isZero();

            String owner = owner();
            assertThat(holder.tryAcquire(new AcquireRequest(key, owner, LEASE, false)))
                    .isInstanceOf(AcquireResult.Granted.class);
            java.util.concurrent.CountDownLatch woken = new java.util.concurrent.CountDownLatch(1);
            try (var subscription = ((dev.distlock.spi.ReleaseNotifications) waiter).subscribe(key, owner(), woken::countDown)) {
                assertThat(holder.releaseTellingWaiters(key, owner)).isEqualTo(ReleaseOutcome.RELEASED_TO_WAITERS);
                assertThat(woken.await(10, TimeUnit.SECONDS)).as("the waiter woken").isTrue();
                assertThat(notificationsSince(listening)).as("released while someone waited").isEqualTo(1);
            }

            acquireAndRelease(holder, key);
            assertThat(notificationsSince(listening)).as("released after the waiter gave up").isZero();
        }
    }

    /**
     * A statement the server cannot run (the table is locked by an open transaction) is cancelled by
     * the server at the statement timeout: the call fails as a store failure naming the cancel, and
     * the connection comes back to the pool usable.
     */
    @Test
    void aStatementBlockedOnTheServerIsCancelledAtTheStatementTimeout() throws Exception {
        String table = "blocked_" + suffix();
        try (JdbcLockBackend backend = JdbcLockBackend.create(JdbcSettings.builder(pool).tableName(table)
                .initializeSchema(true).statementTimeout(Duration.ofSeconds(1)).build());
             Connection locking = pool.getConnection()) {
            locking.setAutoCommit(false);
            try (Statement lock = locking.createStatement()) {
                lock.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
            }
            CompletableFuture<AcquireResult> blocked = CompletableFuture.supplyAsync(
                    () -> backend.tryAcquire(new AcquireRequest("statements:" + suffix(), owner(), LEASE, false)));
            await().atMost(Duration.ofSeconds(20)).until(blocked::isDone);
            locking.rollback();

            assertThat(blocked).isCompletedExceptionally();
            Throwable failure = blocked.handle((result, error) -> error.getCause()).join();
            assertThat(failure).isInstanceOf(dev.distlock.spi.LockBackendException.class);
            assertThat(failure.getCause()).isInstanceOf(SQLException.class);
            assertThat(((SQLException) failure.getCause()).getSQLState()).as("cancelled by the server").isEqualTo("57014");
            acquireAndRelease(backend, "statements:" + suffix());
        }
    }

    /**
     * The lock statements bound themselves for their own duration only: a pooled connection comes
     * back with the application's statement timeout, whatever the backend's is.
     */
    @Test
    void theApplicationsStatementTimeoutOnAPooledConnectionIsLeftAsItWas() throws Exception {
        HikariDataSource single = database.pool(config -> {
            config.setMaximumPoolSize(1);
            config.setConnectionInitSql("SET statement_timeout = '7s'");
        });
        try (JdbcLockBackend backend = JdbcLockBackend.create(JdbcSettings.builder(single)
                .tableName("app_timeout_" + suffix()).initializeSchema(true).statementTimeout(Duration.ofSeconds(3)).build())) {
            String key = "statements:" + suffix();
            String owner = owner();
            assertThat(backend.tryAcquire(new AcquireRequest(key, owner, LEASE, false))).isInstanceOf(AcquireResult.Granted.class);
            assertThat(backend.renew(key, owner, LEASE)).isTrue();
            assertThat(backend.renewAll(java.util.List.of(new dev.distlock.spi.RenewRequest(key, owner, LEASE)))).hasSize(1);
            assertThat(backend.tryAcquire(new AcquireRequest(key, owner(), LEASE, false))).isInstanceOf(AcquireResult.Denied.class);
            assertThat(backend.releaseTellingWaiters(key, owner)).isEqualTo(ReleaseOutcome.RELEASED);
            assertThat(backend.health().up()).isTrue();

            try (Connection connection = single.getConnection(); Statement show = connection.createStatement();
                 ResultSet row = show.executeQuery("SHOW statement_timeout")) {
                row.next();
                assertThat(row.getString(1)).isEqualTo("7s");
            }
        }
    }

    private static void acquireAndRelease(JdbcLockBackend backend, String key) {
        String owner = owner();
        assertThat(backend.tryAcquire(new AcquireRequest(key, owner, LEASE, false))).isInstanceOf(AcquireResult.Granted.class);
        assertThat(backend.releaseTellingWaiters(key, owner)).isEqualTo(ReleaseOutcome.RELEASED);
    }

    /** A query ends a transaction of the listening session, which is when PostgreSQL hands it what was sent. */
    private static int notificationsSince(Connection listening) throws SQLException {
        try (Statement query = listening.createStatement()) {
            query.execute("SELECT 1");
        }
        org.postgresql.PGNotification[] received = listening.unwrap(org.postgresql.PGConnection.class).getNotifications();
        return received == null ? 0 : received.length;
    }

    private static long lastDrawn(String table) throws SQLException {
        try (Connection connection = pool.getConnection(); Statement query = connection.createStatement();
             ResultSet row = query.executeQuery("SELECT last_value FROM " + table + "_tokens")) {
            row.next();
            return row.getLong(1);
        }
    }

    private static long tokenInRow(String table, String keyHash) throws SQLException {
        try (Connection connection = pool.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT token FROM " + table + " WHERE key_hash = ?")) {
            query.setString(1, keyHash);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static JdbcLockBackend backend(String table) {
        return JdbcLockBackend.create(JdbcSettings.builder(pool).tableName(table).initializeSchema(true)
                .statementTimeout(Duration.ofSeconds(30)).build());
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
