package dev.distlock.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
 * Two clients of one key on a real database, each its own engine, backend and pool, as two JVMs: a
 * client that releases while the other waits, and asks again at once, must let the waiter ask first.
 * It is one round trip ahead (a waiter hears of the release when it is done, or polls), so without
 * that it would take the key back every time and the waiter would starve. Told by fencing tokens,
 * which grow with each grant of the key: whose grant came first, not how long anything took. Each
 * dialect says how its waiter marks are seen and what an uncontended acquire + release costs.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
abstract class ReleaseToWaitersContract {

    private static final Duration LEASE = Duration.ofSeconds(60);
    /** Longer than any waiter's wake-up on a loaded machine: here only the waiter's wake-up ends it. */
    static final Duration WAITERS_FIRST = Duration.ofSeconds(10);

    private TestDatabase database;
    private JdbcLockBackend releaserBackend;
    private JdbcLockBackend waiterBackend;
    private LockEngine releaser;
    private LockEngine waiter;
    private StatementCountingDataSource releaserStatements;
    DataSource observer;

    abstract TestDatabase.Kind kind();

    abstract JdbcDialect dialect();

    /** How the waiter waits between attempts: polls far apart where a poll must not be what wins. */
    abstract WaitSettings waitSettings();

    /** The waiter marks held on the test's key, as the dialect's release reads them. */
    abstract long waiterMarks() throws SQLException;

    /** Statements of an acquire + release that nobody waited for: no mark, no wait. */
    abstract int uncontendedStatements();

    @BeforeEach
    void startClients() {
        database = TestDatabase.create(kind(), "waiters_first");
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

        assertThat(releaserStatements.takeCount()).as("an acquire and a release: no waiter mark, no wait")
                .isEqualTo(uncontendedStatements());
    }

    private JdbcLockBackend backend(DataSource dataSource, boolean initializeSchema) {
        return JdbcLockBackend.create(JdbcSettings.builder(dataSource).dialect(dialect())
                .initializeSchema(initializeSchema).build());
    }

    private LockEngine engine(JdbcLockBackend backend) {
        return LockEngine.builder(backend).namespace("waiters-first").waitSettings(waitSettings()).build();
    }
}
