package dev.distlock.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.distlock.spi.ReleaseNotifications.Subscription;
import dev.distlock.spi.support.DaemonThreads;
import dev.distlock.spi.support.WaiterRegistry;

/**
 * One dedicated connection that LISTENs on the table's channel and wakes the subscribers of a key
 * hash when {@link PostgresLockTableSql#RELEASE_AND_NOTIFY} sends it. Started by the first
 * subscription, which waits (bounded) until LISTEN is in place, so that a release right after the
 * subscription is not missed. After a lost connection it reconnects and wakes everyone, since
 * notifications sent meanwhile are gone. Expiry sends nothing: the engine retries at the holder's
 * expiry from {@code denied(holderRemaining)}.
 *
 * <p>A listening connection only reads, so a connection that died without a word (a proxy's idle
 * timeout, a failover without RST) would look like a quiet channel for ever. After every
 * {@link #PROBE_AFTER_QUIET} without a notification it therefore runs {@code SELECT 1}, its socket
 * reads bounded by the network timeout: an answer proves the connection, a timeout ends it and the
 * listener reconnects. The probe also keeps a proxy from counting the connection as idle.
 */
final class PostgresReleaseListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PostgresReleaseListener.class);
    private static final int POLL_MILLIS = 500;
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);
    /** Quiet time before a probe, counted in empty polls: this class reads no clock. */
    private static final Duration PROBE_AFTER_QUIET = Duration.ofSeconds(2);
    private static final int QUIET_POLLS_BEFORE_PROBE = (int) (PROBE_AFTER_QUIET.toMillis() / POLL_MILLIS);

    private final DataSource dataSource;
    private final String channel;
    private final Duration readyTimeout;
    private final int networkTimeoutMillis;
    private final WaiterRegistry<String> waiters = new WaiterRegistry<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Thread thread;
    private boolean listening;
    private int sessions;
    private volatile boolean closed;

    /**
     * @param readyTimeout   how long the first subscription waits for LISTEN to be in place
     * @param networkTimeout bound on every socket read of the listening connection, the probe's included
     */
    PostgresReleaseListener(DataSource dataSource, String channel, Duration readyTimeout, Duration networkTimeout) {
        this.dataSource = dataSource;
        this.channel = channel;
        this.readyTimeout = readyTimeout;
        this.networkTimeoutMillis = Math.toIntExact(networkTimeout.toMillis());
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
        Subscription subscription = waiters.add(keyHash, onChange);
        awaitListening();
        return subscription;
    }

    private void awaitListening() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (thread == null) {
                thread = DaemonThreads.named("distlock-jdbc-listen-" + channel).newThread(this::run);
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
                // getNotifications sets its own shorter read timeout and restores this one afterwards.
                connection.setNetworkTimeout(Runnable::run, networkTimeoutMillis);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + channel);
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                setListening(true);
                if (reconnect) {
                    log.info("distlock-jdbc: listening on {} again", channel);
                    waiters.wakeAll();
                }
                int quietPolls = 0;
                while (!closed) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications != null && notifications.length > 0) {
                        quietPolls = 0; // bytes arrived: the connection is alive
                        for (PGNotification notification : notifications) {
                            waiters.wake(notification.getParameter());
                        }
                    } else if (++quietPolls >= QUIET_POLLS_BEFORE_PROBE) {
                        quietPolls = 0;
                        probe(connection);
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
                waiters.wakeAll();
                if (!ThreadPause.unlessClosed(lock, changed, () -> closed, RECONNECT_DELAY)) {
                    return;
                }
            }
        }
    }

    /** Throws when the connection does not answer within the network timeout. */
    private static void probe(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
        }
    }

    /** How many times LISTEN has been put in place: 1 after the start, one more after each reconnect. */
    int sessions() {
        lock.lock();
        try {
            return sessions;
        } finally {
            lock.unlock();
        }
    }

    private void setListening(boolean value) {
        lock.lock();
        try {
            listening = value;
            if (value) {
                sessions++;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
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
