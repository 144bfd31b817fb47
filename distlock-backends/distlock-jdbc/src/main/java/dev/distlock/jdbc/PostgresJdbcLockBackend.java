package dev.distlock.jdbc;

import dev.distlock.spi.ReleaseNotifications;

/** The JDBC backend on PostgreSQL with LISTEN/NOTIFY: waiters wake on release instead of polling. */
final class PostgresJdbcLockBackend extends JdbcLockBackend implements ReleaseNotifications {

    private final PostgresReleaseListener listener;

    PostgresJdbcLockBackend(JdbcSettings settings, PostgresLockTableSql sql) {
        super(settings, JdbcDialect.POSTGRESQL, sql);
        this.listener = new PostgresReleaseListener(settings.dataSource(), sql.channel(), settings.statementTimeout(),
                JdbcConnections.networkTimeout(settings));
    }

    PostgresReleaseListener listener() {
        return listener;
    }

    @Override
    public Subscription subscribe(String key, String owner, Runnable onChange) {
        return listener.subscribe(JdbcKeyLayout.hash(key), onChange);
    }

    @Override
    public void close() {
        listener.close();
        super.close();
    }
}
