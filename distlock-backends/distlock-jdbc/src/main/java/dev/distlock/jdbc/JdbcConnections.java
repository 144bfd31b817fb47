package dev.distlock.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.distlock.spi.LockBackendException;

/**
 * How the JDBC backend uses the application's {@link DataSource}: one connection per call, in
 * autocommit, every socket read bounded, transient failures retried, and any other SQL failure
 * turned into the SPI's {@link LockBackendException} naming the table and dialect.
 */
final class JdbcConnections {

    private static final Logger log = LoggerFactory.getLogger(JdbcConnections.class);

    /** Attempts for a statement that failed transiently (racing INSERT, deadlock victim). */
    private static final int MAX_ATTEMPTS = 3;

    /** After the statement timeout, so that a slow statement is cancelled by the server first, cleanly. */
    private static final Duration NETWORK_TIMEOUT_MARGIN = Duration.ofSeconds(2);

    private final DataSource dataSource;
    /** Names the store in failures: the table and the dialect. */
    private final String store;
    private final String table;
    private final JdbcDialect dialect;
    /** The socket read bound of each connection while we use it: see {@link #boundNetworkWait}. */
    private final int networkTimeoutMillis;
    private volatile boolean networkTimeoutSupported = true;

    JdbcConnections(JdbcSettings settings, JdbcDialect dialect) {
        this.dataSource = settings.dataSource();
        this.store = "table " + settings.tableName() + ", " + dialect;
        this.table = settings.tableName();
        this.dialect = dialect;
        this.networkTimeoutMillis = Math.toIntExact(networkTimeout(settings).toMillis());
    }

    /** The bound on each socket read of a connection we use: the statement timeout and a margin. */
    static Duration networkTimeout(JdbcSettings settings) {
        return Duration.ofSeconds(settings.statementTimeoutSeconds()).plus(NETWORK_TIMEOUT_MARGIN);
    }

    /**
     * Runs {@code work} on a connection of its own in autocommit, retrying transient failures (the
     * failed statement was rolled back). Any other SQL failure means the store could not be asked.
     *
     * @param key the lock key for the failure's message, or null for work on no one key
     */
    <T> T run(String what, @Nullable String key, SqlWork<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                boundNetworkWait(connection);
                boolean autoCommit = connection.getAutoCommit();
                if (!autoCommit) {
                    connection.setAutoCommit(true); // a fresh pooled connection: no pending work to commit
                }
                try {
                    return work.run(connection);
                } finally {
                    if (!autoCommit) {
                        connection.setAutoCommit(false);
                    }
                }
            } catch (SQLException e) {
                if (attempt < MAX_ATTEMPTS && JdbcErrors.isTransient(e)) {
                    log.debug("distlock-jdbc: {} failed transiently (attempt {}), retrying: {}", what, attempt,
                            e.getMessage());
                    continue;
                }
                String fix = JdbcErrors.isMissingTable(e) ? "; " + JdbcErrors.missingTableFix(table, dialect) : "";
                throw new LockBackendException("distlock-jdbc could not " + what + (key == null ? "" : " " + key)
                        + " (" + store + "): " + e.getMessage() + fix, e);
            }
        }
    }

    /**
     * Bounds every socket read on {@code connection} while we use it. The statement timeout alone
     * does not: its cancel request travels on a new connection, which an unreachable database (a
     * partition, a paused server) never answers, and the calling thread would wait on its socket
     * forever. A pool resets the timeout when the connection is returned.
     */
    private void boundNetworkWait(Connection connection) throws SQLException {
        if (!networkTimeoutSupported) {
            return;
        }
        try {
            int current = connection.getNetworkTimeout();
            if (current == 0 || current > networkTimeoutMillis) { // a shorter one of the application's stays
                connection.setNetworkTimeout(Runnable::run, networkTimeoutMillis);
            }
        } catch (SQLFeatureNotSupportedException | UnsupportedOperationException e) {
            networkTimeoutSupported = false;
            log.info("distlock-jdbc: the driver cannot bound socket reads (Connection.setNetworkTimeout): a call to an "
                    + "unreachable database waits as long as the driver lets it; {}", e.toString());
        }
    }

    /** Work on one connection. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }
}
