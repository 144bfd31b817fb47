package dev.distlock.jdbc;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Everything {@link JdbcLockBackend} needs, as plain values.
 *
 * @param dataSource           where the lock table lives; each call takes its own connection from it
 *                             and commits at once, outside any transaction of the caller. Give the
 *                             pool's DataSource, not a transaction-aware proxy of it.
 * @param tableName            lock table, optionally schema-qualified; letters, digits and underscores only
 * @param dialect              the SQL flavour, or null to detect it from the connection metadata
 * @param initializeSchema     create the table from the dialect's script when it does not exist
 * @param statementTimeout     bound on every statement (JDBC query timeout, whole seconds, at least 1)
 * @param releaseNotifications on PostgreSQL, wake waiters with LISTEN/NOTIFY; this holds one
 *                             connection of the pool for as long as the backend lives, and one
 *                             more (for the waiters' marks) from the first wait on. On MySQL and
 *                             MariaDB, mark waited-for keys with user locks ({@code MySqlWaiterMarks})
 *                             and watch them from one thread ({@code MySqlReleaseWatcher}), on one
 *                             connection from the first wait on
 * @param purgeExpiredAfter    delete rows that have been expired this long (rows of holders that never
 *                             released; default 1 hour), or null never to delete them. Safe for
 *                             fencing tokens, which come from the table's token source, not its rows
 */
public record JdbcSettings(DataSource dataSource, String tableName, @Nullable JdbcDialect dialect,
                               boolean initializeSchema, Duration statementTimeout,
                               boolean releaseNotifications, @Nullable Duration purgeExpiredAfter) {

    public static final String DEFAULT_TABLE_NAME = "distlock_locks";
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_PURGE_EXPIRED_AFTER = Duration.ofHours(1);

    /** An SQL identifier, optionally qualified by a schema: it is spliced into SQL, so nothing else passes. */
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

    public JdbcSettings {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(tableName, "tableName");
        Objects.requireNonNull(statementTimeout, "statementTimeout");
        if (!TABLE_NAME.matcher(tableName).matches()) {
            throw new IllegalArgumentException("distlock.jdbc.table-name must be an SQL identifier (letters, digits, "
                    + "underscores; optionally schema.table), but was '" + tableName + "'");
        }
        if (statementTimeout.isNegative() || statementTimeout.isZero()) {
            throw new IllegalArgumentException("statementTimeout must be positive, but was " + statementTimeout);
        }
        if (purgeExpiredAfter != null && (purgeExpiredAfter.isNegative() || purgeExpiredAfter.isZero())) {
            throw new IllegalArgumentException("purgeExpiredAfter must be positive or null (never), but was "
                    + purgeExpiredAfter);
        }
    }

    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** The JDBC query timeout: whole seconds, rounded up. */
    int statementTimeoutSeconds() {
        return (int) Math.max(1, (statementTimeout.toMillis() + 999) / 1000);
    }

    /** Builds {@link JdbcSettings} with the defaults: table distlock_locks, detected dialect, no DDL, purge after 1 h. */
    public static final class Builder {
        private final DataSource dataSource;
        private String tableName = DEFAULT_TABLE_NAME;
        private JdbcDialect dialect;
        private boolean initializeSchema;
        private Duration statementTimeout = DEFAULT_STATEMENT_TIMEOUT;
        private boolean releaseNotifications = true;
        private Duration purgeExpiredAfter = DEFAULT_PURGE_EXPIRED_AFTER;

        private Builder(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        public Builder tableName(String tableName) {
            this.tableName = tableName;
            return this;
        }

        public Builder dialect(JdbcDialect dialect) {
            this.dialect = dialect;
            return this;
        }

        public Builder initializeSchema(boolean initializeSchema) {
            this.initializeSchema = initializeSchema;
            return this;
        }

        public Builder statementTimeout(Duration statementTimeout) {
            this.statementTimeout = statementTimeout;
            return this;
        }

        public Builder releaseNotifications(boolean releaseNotifications) {
            this.releaseNotifications = releaseNotifications;
            return this;
        }

        public Builder purgeExpiredAfter(Duration purgeExpiredAfter) {
            this.purgeExpiredAfter = purgeExpiredAfter;
            return this;
        }

        public JdbcSettings build() {
            return new JdbcSettings(dataSource, tableName, dialect, initializeSchema, statementTimeout,
                    releaseNotifications, purgeExpiredAfter);
        }
    }
}
