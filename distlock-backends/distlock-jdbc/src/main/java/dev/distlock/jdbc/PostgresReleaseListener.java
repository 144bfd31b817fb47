package dev.distlock.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.distlock.spi.ReleaseNotifications.Subscription;

/**
 * One dedicated connection that LISTENs on the table's channel and wakes the subscribers of a key
 * hash when {@link PostgresLockTableSql#RELEASE_AND_NOTIFY} sends it. Started by the first
 * subscription, which waits (bounded) until LISTEN is in place, so that a release right after the
 * subscription is not missed. After a lost connection it reconnects and wakes everyone, since
 * notifications sent meanwhile are gone. Expiry sends nothing: the engine retries at the holder's
 * expiry from {@code denied(holderRemaining)}.
 */
final class PostgresReleaseListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PostgresReleaseListener.class);
    private static final int POLL_MILLIS = 500;
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);

    private final DataSource dataSource;
    private final String channel;
    private final Duration readyTimeout;
    private final Map<String, Set<Runnable>> subscribers = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Thread thread;
    private boolean listening;
    private volatile boolean closed;

    PostgresReleaseListener(DataSource dataSource, String channel, Duration readyTimeout) {
        this.dataSource = dataSource;
        this.channel = channel;
        this.readyTimeout = readyTimeout;
    }

    /** True when pgjdbc is on the classpath (it is an optional dependency of this module). */
    static boolean driverPresent() {
        try {
            Class.forName("org.postgresql.PGConnection", false, PostgresReleaseListener.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    Subscription subscribe(String keyHash, Runnable onChange) {
        Runnable once = onChange::run; // a distinct identity, so that two equal callbacks unsubscribe separately
        subscribers.computeIfAbsent(keyHash, k -> ConcurrentHashMap.newKeySet()).add(once);
        awaitListening();
        return () -> subscribers.computeIfPresent(keyHash, (k, set) -> {
            set.remove(once);
            return set.isEmpty() ? null : set;
        });
    }

    private void awaitListening() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (thread == null) {
                thread = JdbcLockBackend.daemon("distlock-jdbc-listen-" + channel).newThread(this::run);
                thread.start();
            }
            // awaitNanos counts the time left for us: this class reads no clock, not even a monotonic one.
            long left = readyTimeout.toNanos();
            while (!listening && !closed) {
                if (left <= 0) {
                    // The engine's safety-net polling covers a waiter until the listener is back.
                    log.debug("distlock-jdbc: LISTEN {} not in place within {}", channel, readyTimeout);
                    return;
                }
                left = changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        boolean reconnect = false;
        while (!closed) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + channel);
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                setListening(true);
                if (reconnect) {
                    log.info("distlock-jdbc: listening on {} again", channel);
                    wakeAll();
                }
                while (!closed) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            wake(notification.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                setListening(false);
                if (closed) {
                    return;
                }
                log.warn("distlock-jdbc: listener connection for {} failed, reconnecting in {}: {}", channel,
                        RECONNECT_DELAY, e.getMessage());
                reconnect = true;
                wakeAll();
                if (!pause()) {
                    return;
                }
            }
        }
    }

    private void setListening(boolean value) {
        lock.lock();
        try {
            listening = value;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits before reconnecting; false when closed meanwhile. */
    private boolean pause() {
        lock.lock();
        try {
            if (!closed) {
                changed.await(RECONNECT_DELAY.toMillis(), TimeUnit.MILLISECONDS);
            }
            return !closed;
        } catch (InterruptedException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void wake(String keyHash) {
        Set<Runnable> callbacks = subscribers.get(keyHash);
        if (callbacks != null) {
            callbacks.forEach(PostgresReleaseListener::runQuietly);
        }
    }

    private void wakeAll() {
        subscribers.values().forEach(set -> set.forEach(PostgresReleaseListener::runQuietly));
    }

    private static void runQuietly(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            log.warn("distlock-jdbc: a release callback failed", e);
        }
    }

    @Override
    public void close() {
        Thread running;
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
            running = thread;
        } finally {
            lock.unlock();
        }
        if (running != null) {
            try {
                running.join(POLL_MILLIS * 4L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
