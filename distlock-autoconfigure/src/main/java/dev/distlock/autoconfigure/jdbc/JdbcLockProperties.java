package dev.distlock.autoconfigure.jdbc;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code distlock.jdbc.*} properties of the JDBC backend, which locks in a table of the
 * application's DataSource. Defaults are literals so that the configuration processor puts them in
 * the IDE metadata; a test checks them against {@code JdbcSettings}.
 */
@ConfigurationProperties("distlock.jdbc")
public class JdbcLockProperties {

    /** The lock table, optionally schema-qualified (schema.table); letters, digits and underscores only. */
    private String tableName = "distlock_locks";

    /** When to create the lock table at start-up if it does not exist: always, embedded (in-memory databases only) or never. */
    private InitializeSchema initializeSchema = InitializeSchema.EMBEDDED;

    /** Bound on every lock statement; rounded up to whole seconds, at least 1s. */
    private Duration statementTimeout = Duration.ofSeconds(5);

    /** Whether waiters are woken by LISTEN/NOTIFY on PostgreSQL, which holds one pooled connection while the application runs, and one more once a thread has waited for a lock; on MySQL/MariaDB, whether waiters mark their keys (user locks) and one thread watches them, on one pooled connection once a thread has waited. */
    private boolean releaseNotifications = true;

    /** Delete lock rows expired for longer than this (holders that never released); fencing tokens keep growing. */
    private Duration purgeExpiredAfter = Duration.ofHours(1);

    public String getTableName() {
        return tableName;
    }

    public void setTableName(String tableName) {
        this.tableName = tableName;
    }

    public InitializeSchema getInitializeSchema() {
        return initializeSchema;
    }

    public void setInitializeSchema(InitializeSchema initializeSchema) {
        this.initializeSchema = initializeSchema;
    }

    public Duration getStatementTimeout() {
        return statementTimeout;
    }

    public void setStatementTimeout(Duration statementTimeout) {
        this.statementTimeout = statementTimeout;
    }

    public boolean isReleaseNotifications() {
        return releaseNotifications;
    }

    public void setReleaseNotifications(boolean releaseNotifications) {
        this.releaseNotifications = releaseNotifications;
    }

    public Duration getPurgeExpiredAfter() {
        return purgeExpiredAfter;
    }

    public void setPurgeExpiredAfter(Duration purgeExpiredAfter) {
        this.purgeExpiredAfter = purgeExpiredAfter;
    }

    /** When distlock creates its lock table. */
    public enum InitializeSchema {

        /** Create the table whenever it does not exist. */
        ALWAYS,
        /** Create it only in an embedded (in-memory) database, as Spring Boot decides for its own schema scripts. */
        EMBEDDED,
        /** Never: the table is created by the DBA from the script in the distlock-jdbc jar. */
        NEVER
    }
}
