package dev.distlock.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEngine;
import dev.distlock.engine.WaitSettings;

/**
 * {@link PostgresReleaseToWaitersIT} on a real MariaDB, which has no notifications: two clients of
 * one key, each its own engine, backend and pool, as two JVMs. A client that releases while the
 * other waits, and asks again at once, must let the waiter ask first; without that a polling waiter
 * only wins when its poll falls between a release and the releaser's next attempt, and starves.
 * Told by fencing tokens, which grow with each grant: whose grant came first, not how long anything took.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MariaDbReleaseToWaitersIT {

    private static final Duration LEASE = Duration.ofSeconds(60);
    /** Longer than any waiter's wake-up on a loaded machine: here only the waiter's release ends it. */
    private static final Duration WAITERS_FIRST = Duration.ofSeconds(10);
    /** Back-off polls far apart: the waiter must not win by a poll that happens to fall after the release. */
    private static final WaitSettings WAIT_SETTINGS =
            new WaitSettings(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), WAITERS_FIRST);

    private TestDatabase database;
    private JdbcLockBackend releaserBackend;
    private JdbcLockBackend waiterBackend;
    private LockEngine releaser;
    private LockEngine waiter;
    private StatementCountingDataSource releaserStatements;
    private DataSource observer;

    @BeforeEach
    void startClients() {
        database = TestDatabase.create(TestDatabase.Kind.MARIADB, "waiters_first");
        observer = database.pool();
        releaserStatements = new StatementCountingDataSource(database.pool());
        releaserBackend = backend(releaserStatements, true);
        waiterBackend = backend(database.pool(), false);
        releaser = engine(releaserBackend);
        waiter = engine(waiterBackend);
    }

    @AfterEach
    void stopClients() throws Exception {
        releaser.close();
        waiter.close();
        releaserBackend.close();
        waiterBackend.close();
        database.close();
    }

    @Test
    void aReleaserDoesNotTakeTheKeyBackBeforeTheWaiterHadItsAttempt() throws Exception {
        Lease first = releaser.tryAcquire("job", LockOptions.of(LEASE, Duration.ZERO)).orElseThrow();
        AtomicBoolean releaserDone = new AtomicBoolean();
        CompletableFuture<Long> waiterToken = CompletableFuture.supplyAsync(() -> {
            try (Lease lease = waiter.tryAcquire("job", LockOptions.of(LEASE, Duration.ofSeconds(60))).orElseThrow()) {
                // Held until the releaser asks again (or got the key meanwhile): its grant can then only follow ours.
                await().atMost(Duration.ofSeconds(30)).until(() -> !releaser.waiters().isEmpty() || releaserDone.get());
                return lease.fencingToken();
            }
        });
        await("the waiter's mark, which the release reads").atMost(Duration.ofSeconds(10))
                .until(() -> waiterMarks() == 1);

        first.close();
        long again;
        try (Lease lease = releaser.tryAcquire("job", LockOptions.of(LEASE, Duration.ofSeconds(60))).orElseThrow()) {
            again = lease.fencingToken();
        } finally {
            releaserDone.set(true);
        }

        assertThat(waiterToken.get(30, TimeUnit.SECONDS)).as("the waiter's grant, before the releaser's second one")
                .isGreaterThan(first.fencingToken()).isLessThan(again);
    }

    @Test
    void aReleaserThatNobodyWaitedForTakesTheKeyBackAtOnce() {
        releaser.tryAcquire("job", LockOptions.of(LEASE, Duration.ZERO)).orElseThrow().close();
        releaserStatements.takeCount();

        releaser.tryAcquire("job", LockOptions.of(LEASE, Duration.ofSeconds(60))).orElseThrow().close();

        assertThat(releaserStatements.takeCount()).as("claim, counter, token write, release: no mark, no wait")
                .isEqualTo(4);
    }

    /** The waiter marks of the key, user locks as MySqlWaiterMarks takes them, held by any session. */
    private int waiterMarks() throws SQLException {
        MySqlWaiterMarks.Names names = new MySqlWaiterMarks.Names(JdbcSettings.builder(observer).build().tableName());
        String keyHash = JdbcKeyLayout.hash("waiters-first:job");
        int marks = 0;
        try (Connection connection = observer.getConnection()) {
            for (int slot = 0; slot < MySqlWaiterMarks.SLOTS; slot++) {
                try (PreparedStatement query = connection.prepareStatement("SELECT IS_USED_LOCK(?) IS NOT NULL")) {
                    query.setString(1, names.name(connection, keyHash, slot));
                    try (ResultSet row = query.executeQuery()) {
                        row.next();
                        marks += row.getBoolean(1) ? 1 : 0;
                    }
                }
            }
        }
        return marks;
    }

    private static JdbcLockBackend backend(DataSource dataSource, boolean initializeSchema) {
        return JdbcLockBackend.create(JdbcSettings.builder(dataSource).dialect(JdbcDialect.MYSQL)
                .initializeSchema(initializeSchema).build());
    }

    private static LockEngine engine(JdbcLockBackend backend) {
        return LockEngine.builder(backend).namespace("waiters-first").waitSettings(WAIT_SETTINGS).build();
    }
}
