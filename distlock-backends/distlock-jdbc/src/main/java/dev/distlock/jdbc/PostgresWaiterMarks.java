package dev.distlock.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import dev.distlock.spi.LockBackendException;

/**
 * Tells a releaser that someone waits for a key, so that a release sends {@code pg_notify} only then.
 * Each waiting subscription holds a session-level shared advisory lock, class {@link #lockClass} (the
 * table's) and id {@link #lockId} (the key's), on one connection kept for that; the release statement
 * ({@link PostgresLockTableSql#RELEASE_AND_NOTIFY}) tries the same lock exclusively and notifies only
 * when it cannot have it. Ids of two keys may collide: then a release notifies for nothing, which a
 * waiter takes as a spurious wake-up.
 *
 * <p>No release falls in between unnoticed: a releaser that found no waiter holds the exclusive lock
 * until its DELETE commits, so a mark placed meanwhile waits for that commit, and the waiter's next
 * attempt, made after its mark is in place, sees the key free. A release that comes later finds the mark.
 */
final class PostgresWaiterMarks implements AutoCloseable {

    /** Params: 1 lock class, 2 lock id. Waits (bounded by the query timeout) for a releaser's commit. */
    static final String MARK = "SELECT pg_advisory_lock_shared(?, ?)";

    /** Params: 1 lock class, 2 lock id. Gives up one mark of this session. */
    static final String UNMARK = "SELECT pg_advisory_unlock_shared(?, ?)";

    private final PostgresLockTableSql sql;
    private final int lockClass;
    private final KeptConnection connection;
    private final ReentrantLock lock = new ReentrantLock();

    /** @param sql the table's statements: their advisory lock class ({@link #lockClass(String)}), as its release tries it */
    PostgresWaiterMarks(DataSource dataSource, PostgresLockTableSql sql, Duration networkTimeout) {
        this.sql = sql;
        this.lockClass = sql.waiterLockClass();
        this.connection = new KeptConnection(dataSource, networkTimeout);
    }

    /** The advisory lock class of a table's marks: from its channel name, so that tables do not share ids. */
    static int lockClass(String channel) {
        return channel.hashCode();
    }

    /** The advisory lock id of a key: the first 32 bits of its hash. */
    static int lockId(String keyHash) {
        return (int) Long.parseLong(keyHash, 0, 8, 16);
    }

    /**
     * Marks the key as waited for, until the returned mark is closed.
     *
     * @throws LockBackendException when the mark could not be placed: then releases do not notify
     *                              this waiter, and it has to poll
     */
    AutoCloseable mark(String keyHash) {
        int id = lockId(keyHash);
        lock.lock();
        try {
            if (connection.closed()) {
                throw new LockBackendException("distlock-jdbc: release notifications are closed");
            }
            Connection marking = connection.get();
            run(marking, MARK, id);
            return () -> unmark(marking, id);
        } catch (SQLException e) {
            connection.discard();
            throw new LockBackendException("distlock-jdbc could not mark a waiter for release notifications: "
                    + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** A mark of a connection since replaced went with its session. */
    private void unmark(Connection marking, int id) {
        lock.lock();
        try {
            if (marking == connection.current()) {
                run(marking, UNMARK, id);
            }
        } catch (SQLException e) {
            connection.discard(); // its session's marks go with it: releases then notify nobody in vain
        } finally {
            lock.unlock();
        }
    }

    /** Prepared as every statement on the table is: bounded by the same query timeout. */
    private void run(Connection marking, String statementSql, int id) throws SQLException {
        try (PreparedStatement statement = sql.prepare(marking, statementSql, lockClass, id)) {
            statement.execute();
        }
    }

    /**
     * Ends every mark with the connection's session, at once: a {@link #mark} waiting on a store that
     * does not answer holds the lock, so this does not take it, and aborts the connection under it.
     */
    @Override
    public void close() {
        connection.closing();
        connection.abort();
    }
}
