package dev.distlock.jdbc;

import dev.distlock.spi.ReleaseNotifications;
import dev.distlock.spi.ReleaseOutcome;

/**
 * The JDBC backend on MySQL and MariaDB with release notifications: the server cannot notify, so
 * waiters mark their keys ({@link MySqlWaiterMarks}) and one thread of the backend watches them
 * ({@link MySqlReleaseWatcher}), and on MariaDB the release says from the same statement whether
 * another client's waiter marked the key.
 */
final class MySqlJdbcLockBackend extends JdbcLockBackend implements ReleaseNotifications {

    private final MySqlLockTableSql sql;
    private final MySqlWaiterMarks.Names names;
    private final MySqlWaiterMarks marks;
    private final MySqlReleaseWatcher watcher;

    MySqlJdbcLockBackend(JdbcSettings settings, MySqlLockTableSql sql) {
        super(settings, JdbcDialect.MYSQL, sql);
        this.sql = sql;
        this.names = new MySqlWaiterMarks.Names(settings.tableName());
        this.marks = new MySqlWaiterMarks(settings.dataSource(), sql, names, JdbcConnections.networkTimeout(settings));
        this.watcher = new MySqlReleaseWatcher(marks, settings.tableName());
    }

    /** Marked before it returns: a release after it sees the mark, and the engine's attempt after it sees one before. */
    @Override
    public Subscription subscribe(String key, String owner, Runnable onChange) {
        return watcher.subscribe(JdbcKeyLayout.hash(key), onChange);
    }

    /** One statement on MariaDB: {@link MySqlLockTableSql#RELEASE_TELLING_WAITERS}. */
    @Override
    public ReleaseOutcome releaseTellingWaiters(String key, String owner) {
        String keyHash = JdbcKeyLayout.hash(key);
        return run("release", key,
                connection -> sql.releaseTellingWaiters(connection, keyHash, owner, names, marks.connectionId()));
    }

    @Override
    public void close() {
        watcher.close();
        marks.close();
        super.close();
    }
}
