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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.ReleaseNotifications.Subscription;
import dev.distlock.spi.support.DaemonThreads;
import dev.distlock.spi.support.WaiterRegistry;

/**
 * Waiting on MySQL and MariaDB, which cannot notify: the keys this backend's threads wait for are
 * marked on the server, and one thread watches them.
 *
 * <p><b>Marks.</b> A waited-for key gets a user lock ({@code GET_LOCK}) on one connection kept for
 * that: one of {@link #SLOTS} names per key, so that waiters of several clients each hold one. The
 * release on MariaDB ({@link MySqlLockTableSql#RELEASE_TELLING_WAITERS}) reads in the same statement
 * whether another session holds one of them, and then answers
 * {@link dev.distlock.spi.ReleaseOutcome#RELEASED_TO_WAITERS}: the releasing engine lets the waiters
 * ask first instead of taking the key back one round trip ahead of them. A mark is in place before
 * the subscription returns, and the engine's attempt after it sees a release that came earlier. A
 * user lock lives with its session, so a crashed waiter leaves no mark; the connection goes back to
 * the pool only after {@code RELEASE_ALL_LOCKS()}, and is aborted when that cannot be run. Names are server-wide: two databases with the same
 * table and keys share a name only through {@link Names}' hash, and a shared name only makes a
 * releaser let waiters go first for nothing.
 *
 * <p><b>Watching.</b> While any key is waited for, the thread reads which of them are held, every
 * {@link #POLL_INTERVAL}, in one statement per {@link LockTableSql#RENEW_CHUNK} keys, and wakes the
 * waiters of a key it saw held and now sees free: one query per interval for all of this backend's
 * waiters, instead of each waiter's back-off (up to 500 ms) that would miss the releaser's
 * {@code waitersFirst} window. A release and a new grant between two reads go unseen; the waiter
 * then retries at the holder's expiry, or the engine's safety poll.
 */
final class MySqlWaiterMarks implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MySqlWaiterMarks.class);

    /** Waiter marks per key: one for each client that waits, up to this many (more share them). */
    static final int SLOTS = 4;
    /** Between two reads of the waited-for keys: well inside the engine's default waitersFirst (100 ms). */
    static final Duration POLL_INTERVAL = Duration.ofMillis(10);
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);
    /** How long {@link #close()} waits for a round in progress before it aborts the connection. */
    private static final Duration CLOSE_WAIT = Duration.ofMillis(500);
    /** No params. Gives up every user lock of the session: MySQL 5.7+, MariaDB 10.5+. */
    private static final String RELEASE_ALL = "SELECT RELEASE_ALL_LOCKS()";

    private final MySqlLockTableSql sql;
    private final Names names;
    private final WaiterRegistry<String> waiters = new WaiterRegistry<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** The waited-for keys by hash; guarded by {@link #lock}, as is every use of {@link #connection}. */
    private final Map<String, Watched> watched = new HashMap<>();
    private final KeptConnection connection;
    /** {@code CONNECTION_ID()} of {@link #connection}, 0 while there is none. */
    private volatile long connectionId;
    private @Nullable Thread thread;
    private volatile boolean closed;

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
     * Marks the key as waited for and watches it until the subscription is closed.
     *
     * @throws LockBackendException when the mark could not be placed: the waiter then polls
     */
    Subscription subscribe(String keyHash, Runnable onChange) {
        Subscription waiting = waiters.add(keyHash, onChange);
        lock.lock();
        try {
            if (closed) {
                throw new LockBackendException("distlock-jdbc: waiter marks are closed");
            }
            Watched key = watched.get(keyHash);
            if (key == null) {
                key = new Watched();
                mark(keyHash, key);
                watched.put(keyHash, key);
            }
            key.subscribers++;
            if (thread == null) {
                thread = DaemonThreads.named("distlock-jdbc-watch-" + names.table).newThread(this::run);
                thread.start();
            }
            changed.signalAll();
        } catch (SQLException e) {
            discardConnection();
            waiting.close();
            throw new LockBackendException("distlock-jdbc could not mark a waiter: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            waiting.close();
            throw e;
        } finally {
            lock.unlock();
        }
        AtomicBoolean open = new AtomicBoolean(true);
        return () -> {
            if (open.compareAndSet(true, false)) { // a mark given up twice would give up another waiter's
                waiting.close();
                unsubscribe(keyHash);
            }
        };
    }

    private void unsubscribe(String keyHash) {
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

    private void run() {
        while (!closed) {
            List<String> free;
            boolean connected = true;
            lock.lock();
            try {
                while (watched.isEmpty() && !closed) {
                    changed.await();
                }
                if (closed) {
                    return;
                }
                free = watchRound();
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                free = failed(e);
                connected = false;
            } finally {
                lock.unlock();
            }
            free.forEach(waiters::wake);
            if (!ThreadPause.unlessClosed(lock, changed, () -> closed, connected ? POLL_INTERVAL : RECONNECT_DELAY)) {
                return;
            }
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
    private List<String> failed(Exception e) {
        if (!closed) {
            log.warn("distlock-jdbc: the waiter-marking connection failed, reconnecting in {}: {}", RECONNECT_DELAY,
                    e.getMessage());
        }
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
     * Gives up every mark and returns the connection to the pool, once a round in progress is done;
     * when that takes longer than {@link #CLOSE_WAIT} (a store that does not answer), aborts the
     * connection instead, which ends the marks with its session. Aborting is the last resort: a pool
     * may hand an aborted connection out again before it notices.
     */
    @Override
    public void close() {
        closed = true;
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
            changed.signalAll();
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
