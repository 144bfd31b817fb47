package dev.distlock.jdbc;

import static dev.distlock.testsupport.BackendCalls.owner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.zaxxer.hikari.HikariDataSource;

import dev.distlock.spi.ReleaseNotifications;

/** The connection MariaDB's waiter marks keep out of the pool, against a real server. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MariaDbWaiterMarksIT {

    private static TestDatabase database;

    @BeforeAll
    static void startDatabase() {
        database = TestDatabase.create(TestDatabase.Kind.MARIADB, "waiter_marks");
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        database.close();
    }

    /**
     * The backend is closed while its first waiter still waits for the pool to give it the marking
     * connection; close() cannot abort a connection that is not there yet. When the pool gives it,
     * it must go back: kept, it would hold a pool connection and a waiter mark for as long as the
     * application runs, and every release of the key would let a waiter that is not there go first.
     */
    @Test
    void aBackendClosedWhileItsFirstWaiterOpensTheMarkingConnectionKeepsNoConnection() {
        HikariDataSource pool = database.pool();
        GatedDataSource gated = new GatedDataSource(pool);
        JdbcLockBackend backend = JdbcLockBackend.create(JdbcSettings.builder(gated).dialect(JdbcDialect.MYSQL)
                .initializeSchema(true).build());
        assertThat(backend).isInstanceOf(ReleaseNotifications.class);
        gated.hold();
        CompletableFuture<Void> subscribing = CompletableFuture.runAsync(
                () -> ((ReleaseNotifications) backend).subscribe("marks:closed", owner(), () -> { }));
        await("the waiter asking the pool for the marking connection").atMost(Duration.ofSeconds(10))
                .until(() -> gated.waiting() == 1);

        backend.close();
        gated.release();

        await("the subscription").atMost(Duration.ofSeconds(10)).until(subscribing::isDone);
        await("the marking connection back in the pool").atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero());
    }
}
