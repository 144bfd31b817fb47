package dev.distlock.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import dev.distlock.spi.LockBackendException;

/**
 * The marks of the keys this backend's threads wait for on MySQL and MariaDB, which cannot notify;
 * {@link MySqlReleaseWatcher} reads them for the waiters.
 *
 * <p>A waited-for key gets a user lock ({@code GET_LOCK}) on one connection kept for that: one of
 * {@link #SLOTS} names per key, so that waiters of several clients each hold one. The release on
 * MariaDB ({@link MySqlLockTableSql#RELEASE_TELLING_WAITERS}) reads in the same statement whether
 * another session holds one of them, and then answers
 * {@link dev.distlock.spi.ReleaseOutcome#RELEASED_TO_WAITERS}: the releasing engine lets the waiters
 * ask first instead of taking the key back one round trip ahead of them. A mark is in place before
 * the subscription returns, and the engine's attempt after it sees a release that came earlier. A
 * user lock lives with its session, so a crashed waiter leaves no mark; the connection goes back to
 * the pool only after {@code RELEASE_ALL_LOCKS()}, and is aborted when that cannot be run. Names are
 * server-wide: two databases with the same table and keys share a name only through {@link Names}'
 * hash, and a shared name only makes a releaser let waiters go first for nothing.
 */
final class MySqlWaiterMarks implements AutoCloseable {

    /** Waiter marks per key: one for each client that waits, up to this many (more share them). */
    static final int SLOTS = 4;
    /** How long {@link #close()} waits for a read in progress before it aborts the connection. */
    private static final Duration CLOSE_WAIT = Duration.ofMillis(500);
    /** No params. Gives up every user lock of the session: MySQL 5.7+, MariaDB 10.5+. */
    private static final String RELEASE_ALL = "SELECT RELEASE_ALL_LOCKS()";

    private final MySqlLockTableSql sql;
    private final Names names;
    private final ReentrantLock lock = new ReentrantLock();
    /** The waited-for keys by hash; guarded by {@link #lock}, as is every use of {@link #connection}. */
    private final Map<String, Watched> watched = new HashMap<>();
    private final KeptConnection connection;
    /** {@code CONNECTION_ID()} of {@link #connection}, 0 while there is none. */
    private volatile long connectionId;

    MySqlWaiterMarks(DataSource dataSource, MySqlLockTableSql sql, Names names, Duration networkTimeout) {
        this.sql = sql;
        this.names = names;
        this.connection = new KeptConnection(dataSource, networkTimeout,
                opened -> connectionId = sql.queryLong(opened, "SELECT CONNECTION_ID()"));
    }

    /** The session that holds our marks, 0 for none: the release does not count them as other clients' waiters. */
    long connectionId() {
        return connectionId;
    }

    /**
     * Marks the key as waited for by one more waiter, until {@link #unmark} for it.
     *
     * @throws LockBackendException when the mark could not be placed: the waiter then polls
     */
    void mark(String keyHash) {
        lock.lock();
        try {
            if (connection.closed()) {
                throw new LockBackendException("distlock-jdbc: waiter marks are closed");
            }
            Watched key = watched.get(keyHash);
            if (key == null) {
                key = new Watched();
                mark(keyHash, key);
                watched.put(keyHash, key);
            }
            key.subscribers++;
        } catch (SQLException e) {
            discardConnection();
            throw new LockBackendException("distlock-jdbc could not mark a waiter: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Gives up one waiter of the key; the last one's mark is given up. */
    void unmark(String keyHash) {
        lock.lock();
        try {
            Watched key = watched.get(keyHash);
            if (key == null || --key.subscribers > 0) {
                return;
            }
            watched.remove(keyHash);
            Connection marking = connection.current();
            if (key.slot >= 0 && marking != null) {
                try (PreparedStatement statement = sql.prepare(marking, MySqlLockTableSql.UNMARK,
                        names.name(marking, keyHash, key.slot))) {
                    statement.execute();
                }
            }
        } catch (SQLException e) {
            discardConnection(); // its marks go with its session
        } finally {
            lock.unlock();
        }
    }

    /**
     * One read for the watcher: marks keys that have none yet, and reads which are held. Nothing is
     * read when no key is marked or once closed.
     */
    FreedKeys readFreedKeys() {
        lock.lock();
        try {
            if (connection.closed() || watched.isEmpty()) {
                return new FreedKeys(List.of(), null);
            }
            return new FreedKeys(watchRound(), null);
        } catch (SQLException | RuntimeException e) {
            return new FreedKeys(failed(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Takes a free slot for the key (or learns that all are taken) and reads whether it is held. */
    private void mark(String keyHash, Watched key) throws SQLException {
        Connection marking = connection.get();
        Object[] params = new Object[SLOTS + 1];
        for (int slot = 0; slot < SLOTS; slot++) {
            params[slot] = names.name(marking, keyHash, slot);
        }
        params[SLOTS] = keyHash;
        try (PreparedStatement statement = sql.prepare(marking, sql.markSql(), params);
             ResultSet row = statement.executeQuery()) {
            row.next();
            key.slot = row.getInt(1);
            row.getLong(2);
            key.held = !row.wasNull();
        }
    }

    /** Under {@link #lock}: marks keys that have none yet (all slots were taken, or after a reconnect), reads which are held. */
    private List<String> watchRound() throws SQLException {
        Connection watching = connection.get();
        for (Map.Entry<String, Watched> key : watched.entrySet()) {
            if (key.getValue().slot < 0) {
                boolean seenHeld = key.getValue().held; // a release since the last round is still told below
                mark(key.getKey(), key.getValue());
                key.getValue().held = seenHeld;
            }
        }
        List<String> keys = new ArrayList<>(watched.keySet());
        Set<String> held = new HashSet<>();
        for (int from = 0; from < keys.size(); from += LockTableSql.RENEW_CHUNK) {
            Object[] chunk = keys.subList(from, Math.min(keys.size(), from + LockTableSql.RENEW_CHUNK)).toArray();
            try (PreparedStatement statement = sql.prepare(watching, sql.runningSql().forCount(chunk.length), chunk);
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    held.add(rows.getString(1));
                }
            }
        }
        List<String> free = new ArrayList<>();
        for (String keyHash : keys) {
            Watched key = watched.get(keyHash);
            boolean nowHeld = held.contains(keyHash);
            if (key.held && !nowHeld) {
                free.add(keyHash);
            }
            key.held = nowHeld;
        }
        return free;
    }

    /** Under {@link #lock}: the marks went with the connection; every waiter is woken, as any key may be free now. */
    private List<String> failed() {
        discardConnection();
        List<String> all = new ArrayList<>(watched.keySet());
        for (Watched key : watched.values()) {
            key.slot = -1;
        }
        return all;
    }

    /** A pool keeps a returned connection's session, and with it its user locks: it is aborted instead. */
    private void discardConnection() {
        connectionId = 0;
        connection.discard();
    }

    /**
     * Gives up every mark and returns the connection to the pool, once a read in progress is done;
     * when that takes longer than {@link #CLOSE_WAIT} (a store that does not answer), aborts the
     * connection instead, which ends the marks with its session. Aborting is the last resort: a pool
     * may hand an aborted connection out again before it notices.
     */
    @Override
    public void close() {
        connection.closing();
        boolean locked;
        try {
            locked = lock.tryLock(CLOSE_WAIT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            locked = false;
        }
        if (!locked) {
            connection.abort();
            return;
        }
        try {
            Connection used = connection.detach();
            connectionId = 0;
            if (used != null) {
                try (used; PreparedStatement statement = sql.prepare(used, RELEASE_ALL)) {
                    statement.execute();
                } catch (SQLException | RuntimeException e) {
                    KeptConnection.abort(used);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * What one read found: the keys seen held before and free now, or, when the connection failed
     * ({@code failure} set), every marked key, as any may be free now; the marks went with it.
     */
    record FreedKeys(List<String> keys, @Nullable Exception failure) {
    }

    /** One waited-for key: how many of our waiters wait for it, its mark slot, whether the last read saw it held. */
    private static final class Watched {
        int subscribers;
        /** -1: no mark of ours (all slots taken, or the connection was lost). */
        int slot = -1;
        boolean held;
    }

    /**
     * The user-lock names of a table's waiter marks: {@code distlock:<database and table hash>:<key
     * hash prefix>:<slot>}, 60 characters, within MySQL's 64. The database comes from the first
     * connection that asks, since user locks are server-wide.
     */
    static final class Names {

        private final String table;
        private volatile @Nullable String prefix;

        Names(String table) {
            this.table = table;
        }

        String name(Connection connection, String keyHash, int slot) throws SQLException {
            String known = prefix;
            if (known == null) {
                known = "distlock:" + String.format("%08x", (connection.getCatalog() + "." + table).hashCode()) + ":";
                prefix = known;
            }
            return known + keyHash.substring(0, 40) + ":" + slot;
        }
    }
}
