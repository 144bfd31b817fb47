package dev.distlock.jdbc;

/**
 * The SQL flavours distlock-jdbc speaks. Detected from the connection metadata unless set in
 * {@link JdbcSettings}; a database not listed here gets {@link #PORTABLE}.
 */
public enum JdbcDialect {

    /** PostgreSQL 10+ (INSERT ... ON CONFLICT, pg_sequence_last_value), with LISTEN/NOTIFY for waiters. */
    POSTGRESQL("postgresql"),
    /** MySQL 8 and MariaDB 10.5+ (INSERT ... ON DUPLICATE KEY UPDATE, UTC_TIMESTAMP). */
    MYSQL("mysql"),
    /** H2 2.x (MERGE ... USING ... WHEN MATCHED AND). */
    H2("h2"),
    /**
     * Standard SQL with JDBC escape functions for time arithmetic: a conditional UPDATE, then an
     * INSERT for a key never seen. Leases have whole-second granularity (rounded up).
     */
    PORTABLE("portable");

    private final String id;

    JdbcDialect(String id) {
        this.id = id;
    }

    /** The classpath location of this dialect's DDL, e.g. {@code dev/distlock/jdbc/schema-postgresql.sql}. */
    public String schemaResource() {
        return "dev/distlock/jdbc/schema-" + id + ".sql";
    }

    LockTableSql sql(String table, int timeoutSeconds) {
        return switch (this) {
            case POSTGRESQL -> new PostgresLockTableSql(table, timeoutSeconds);
            case MYSQL -> new MySqlLockTableSql(table, timeoutSeconds);
            case H2 -> new H2LockTableSql(table, timeoutSeconds);
            case PORTABLE -> new PortableLockTableSql(table, timeoutSeconds);
        };
    }
}
