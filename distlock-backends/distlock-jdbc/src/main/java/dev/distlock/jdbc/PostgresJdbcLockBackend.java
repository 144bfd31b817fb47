package dev.distlock.jdbc;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.KeyHandOver;
import dev.distlock.spi.ReleaseNotifications;

/** The JDBC backend on PostgreSQL with LISTEN/NOTIFY: waiters wake on release instead of polling. */
final class PostgresJdbcLockBackend extends JdbcLockBackend implements ReleaseNotifications, KeyHandOver {

    private final PostgresLockTableSql sql;
    private final PostgresReleaseListener listener;
    private final PostgresWaiterMarks marks;

    PostgresJdbcLockBackend(JdbcSettings settings, PostgresLockTableSql sql) {
        super(settings, JdbcDialect.POSTGRESQL, sql);
        this.sql = sql;
        this.listener = new PostgresReleaseListener(settings.dataSource(), sql.channel(), settings.statementTimeout(),
                JdbcConnections.networkTimeout(settings));
        this.marks = new PostgresWaiterMarks(settings.dataSource(), sql, JdbcConnections.networkTimeout(settings));
    }

    PostgresReleaseListener listener() {
        return listener;
    }

    /** One statement: {@link PostgresLockTableSql#HAND_OVER}. */
    @Override
    public AcquireResult handOver(String key, String owner, AcquireRequest next) {
        String keyHash = JdbcKeyLayout.hash(key);
        String displayed = JdbcKeyLayout.display(key);
        return run("hand over", key,
                connection -> sql.handOver(connection, keyHash, displayed, owner, next.owner(), next.ttl().toMillis()));
    }

    /** Listening first, then the mark that makes releases notify: a release after the mark is heard. */
    @Override
    public Subscription subscribe(String key, String owner, Runnable onChange) {
        String keyHash = JdbcKeyLayout.hash(key);
        Subscription listening = listener.subscribe(keyHash, onChange);
        AutoCloseable mark;
        try {
            mark = marks.mark(keyHash);
        } catch (RuntimeException e) {
            listening.close();
            throw e;
        }
        return new MarkedSubscription(listening, mark);
    }

    @Override
    public void close() {
        marks.close();
        listener.close();
        super.close();
    }

    /** Closes once: a mark given up twice would give up another waiter's. */
    private static final class MarkedSubscription implements Subscription {

        private final Subscription listening;
        private final AutoCloseable mark;
        private final java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);

        MarkedSubscription(Subscription listening, AutoCloseable mark) {
            this.listening = listening;
            this.mark = mark;
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                try {
                    mark.close();
                } catch (Exception e) {
                    // unmark discards a connection it could not use; nothing is left to undo
                } finally {
                    listening.close();
                }
            }
        }
    }
}
