package dev.distlock.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEngine;
import dev.distlock.spi.LockBackendException;
import dev.distlock.testsupport.FreePorts;

/**
 * The database goes away while a lock is held and comes back: renewals fail, the engine reports the
 * lease lost once it has run out, and locking resumes afterwards with a larger token (the counter is
 * on disk). The database is an H2 TCP server on a free port with its files in a temporary directory,
 * stopped and started again on the same port.
 */
class DatabaseRestartTest {

    @TempDir
    Path files;

    private Server server;
    private HikariDataSource pool;
    private LockEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
        if (pool != null) {
            pool.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void renewalsFailWhileTheDatabaseIsDownAndLockingResumesAfterItsRestart() throws SQLException {
        int port = FreePorts.next();
        server = startServer(port);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:tcp://127.0.0.1:" + port + "/locks");
        config.setUsername("sa");
        config.setConnectionTimeout(2_000);
        config.setInitializationFailTimeout(-1);
        pool = new HikariDataSource(config);
        JdbcLockBackend backend = JdbcLockBackend.create(JdbcSettings.builder(pool).initializeSchema(true)
                .statementTimeout(Duration.ofSeconds(1)).build());
        engine = LockEngine.builder(backend).namespace("restart").build();

        Lease held = engine.acquire("job", LockOptions.of(Duration.ofSeconds(2), Duration.ZERO));
        long heldToken = held.fencingToken();

        server.stop();
        assertThatThrownBy(() -> backend.renew(held.key(), "anyone:1", Duration.ofSeconds(2)))
                .isInstanceOf(LockBackendException.class);
        assertThat(backend.health().up()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> !held.isValid());
        held.close(); // the caller learns of the loss and leaves its block

        server = startServer(port);
        await().atMost(Duration.ofSeconds(15)).until(() -> backend.health().up());
        Optional<Lease> again = engine.tryAcquire("job", LockOptions.of(Duration.ofSeconds(10), Duration.ofSeconds(5)));
        assertThat(again).isPresent();
        assertThat(again.get().fencingToken()).isGreaterThan(heldToken);
        again.get().close();
    }

    private Server startServer(int port) throws SQLException {
        return Server.createTcpServer("-tcpPort", String.valueOf(port), "-baseDir", files.toString(), "-ifNotExists")
                .start();
    }
}
