package dev.distlock.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

/**
 * A connection the backend keeps out of the pool because its session holds locks for waiters (the
 * waiter marks of PostgreSQL and MySQL/MariaDB): opened when first needed, in autocommit with every
 * socket read bounded, and never returned to the pool, which would keep the session and with it the
 * marks; it is aborted, which ends the session without sending anything to a store that may be the
 * one not answering.
 *
 * <p>Its owner guards {@link #get()} and {@link #discard()} with its own lock; {@link #closing()} and
 * {@link #abort()} are for a {@code close()} that does not take that lock, or not for long.
 */
final class KeptConnection {

    /** What a dialect does on a connection just opened, before it is used; a failure discards it. */
    @FunctionalInterface
    interface SetUp {
        void accept(Connection opened) throws SQLException;
    }

    private final DataSource dataSource;
    private final int networkTimeoutMillis;
    private final SetUp setUp;
    private volatile @Nullable Connection connection;
    private volatile boolean closed;

    /** @param setUp run once the connection is current, so that a {@link #abort()} meanwhile reaches it */
    KeptConnection(DataSource dataSource, Duration networkTimeout, SetUp setUp) {
        this.dataSource = dataSource;
        this.networkTimeoutMillis = Math.toIntExact(networkTimeout.toMillis());
        this.setUp = setUp;
    }

    KeptConnection(DataSource dataSource, Duration networkTimeout) {
        this(dataSource, networkTimeout, opened -> { });
    }

    /**
     * The current connection, opened (and set up) when there is none.
     *
     * @throws SQLException also once {@link #closing()} ran: a connection opened meanwhile is aborted
     *                      here, as the owner's {@code close()} may have aborted what was current before
     */
    Connection get() throws SQLException {
        Connection opened = connection;
        if (opened == null) {
            opened = open();
            connection = opened;
            try {
                // after it is current: either close() sees it and aborts it, or this sees closed
                if (closed) {
                    throw new SQLException("distlock-jdbc: the kept connection's owner is closed");
                }
                setUp.accept(opened);
            } catch (SQLException | RuntimeException e) {
                discard();
                throw e;
            }
        }
        return opened;
    }

    /**
     * Refuses every connection {@link #get()} would open from now on; the owner's {@code close()}
     * calls it first, then gives up or aborts the current one.
     */
    void closing() {
        closed = true;
    }

    /** Whether {@link #closing()} ran. */
    boolean closed() {
        return closed;
    }

    /** The current connection, null while there is none. */
    @Nullable Connection current() {
        return connection;
    }

    /** Forgets the current connection and aborts it: its session, and the marks with it, end. */
    void discard() {
        Connection used = connection;
        connection = null;
        abort(used);
    }

    /** Forgets the current connection and hands it to the caller, which closes or aborts it. */
    @Nullable Connection detach() {
        Connection used = connection;
        connection = null;
        return used;
    }

    /**
     * Aborts the current connection and leaves it current, for a {@code close()} that does not take
     * the owner's lock: forgetting it here could lose one that {@link #get()} makes current meanwhile.
     */
    void abort() {
        abort(connection);
    }

    /** A connection of the pool for marks; aborted again when it cannot be set up. */
    private Connection open() throws SQLException {
        Connection opened = dataSource.getConnection();
        try {
            opened.setAutoCommit(true);
            opened.setNetworkTimeout(Runnable::run, networkTimeoutMillis);
            return opened;
        } catch (SQLException | RuntimeException e) {
            abort(opened);
            throw e;
        }
    }

    static void abort(@Nullable Connection used) {
        if (used == null) {
            return;
        }
        try (used) {
            used.abort(Runnable::run);
        } catch (SQLException | RuntimeException ignored) {
            // its session, and its marks, are gone with the connection either way
        }
    }
}
