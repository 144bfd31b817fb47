package dev.distlock.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.BackendCapabilities.FencingStrength;
import dev.distlock.spi.BackendCapabilities;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.ReleaseOutcome;
import dev.distlock.spi.RenewRequest;
import dev.distlock.spi.RenewResult;

/**
 * Locks in one database table, every time read from the database clock. Create it with
 * {@link #create(JdbcSettings)}.
 *
 * <p>Each call takes a connection straight from the {@link DataSource} (never the caller's
 * transactional one: Spring binds that to the thread, and this class does not look there), runs in
 * autocommit and returns it. So a lock is visible to every other client as soon as it is granted,
 * never rolls back with the caller's transaction and never waits for its commit. We chose this over
 * {@code PROPAGATION_REQUIRES_NEW}: it needs no transaction manager, works the same outside Spring,
 * and costs the same second pooled connection that REQUIRES_NEW would take.
 *
 * <p>This class never reads the JVM clock: it sends the database durations, and the database adds
 * them to its own now. Clients with skewed clocks therefore agree on who holds a lock.
 */
public class JdbcLockBackend implements LockBackend {

    private static final BackendCapabilities CAPABILITIES = new BackendCapabilities(false, FencingStrength.STRONG);

    private final JdbcConnections connections;
    private final JdbcDialect dialect;
    private final String table;
    private final LockTableSql sql;
    private final ExpiredRowPurger purger;

    JdbcLockBackend(JdbcSettings settings, JdbcDialect dialect, LockTableSql sql) {
        this.connections = new JdbcConnections(settings, dialect);
        this.dialect = dialect;
        this.table = settings.tableName();
        this.sql = sql;
        this.purger = settings.purgeExpiredAfter() == null ? null
                : new ExpiredRowPurger(settings.purgeExpiredAfter(), this::purgeExpired);
    }

    /**
     * Connects once to detect the dialect (unless set) and to create the table (if asked), then
     * returns the backend: on PostgreSQL, MySQL and MariaDB with release notifications, one that also
     * implements {@link dev.distlock.spi.ReleaseNotifications}. With the dialect set and no schema to create it
     * does not connect, so an application can start while its database is down.
     *
     * @throws LockBackendException when the database cannot be reached or the table not created
     */
    public static JdbcLockBackend create(JdbcSettings settings) {
        JdbcDialect dialect = settings.dialect();
        if (dialect == null || settings.initializeSchema()) {
            dialect = prepare(settings);
        }
        LockTableSql sql = dialect.sql(settings.tableName(), settings.statementTimeoutSeconds());
        if (dialect == JdbcDialect.POSTGRESQL && settings.releaseNotifications()
                && PostgresReleaseListener.driverPresent()) {
            return new PostgresJdbcLockBackend(settings, (PostgresLockTableSql) sql);
        }
        if (dialect == JdbcDialect.MYSQL && settings.releaseNotifications()) {
            return new MySqlJdbcLockBackend(settings, (MySqlLockTableSql) sql);
        }
        return new JdbcLockBackend(settings, dialect, sql);
    }

    /** Detects the dialect unless set, and creates the table if asked. */
    private static JdbcDialect prepare(JdbcSettings settings) {
        try (Connection connection = settings.dataSource().getConnection()) {
            connection.setAutoCommit(true);
            JdbcDialect dialect = settings.dialect() != null ? settings.dialect() : DialectDetector.detect(connection);
            LockTableSql sql = dialect.sql(settings.tableName(), settings.statementTimeoutSeconds());
            if (settings.initializeSchema()) {
                SchemaInitializer.initialize(connection, dialect, sql, settings.tableName(),
                        settings.statementTimeoutSeconds());
            } else {
                SchemaInitializer.requireTokenSource(connection, dialect, sql, settings.tableName(),
                        settings.statementTimeoutSeconds());
            }
            if (dialect == JdbcDialect.PORTABLE) {
                ZonelessTimesCheck.warnIfZoneless(connection, settings.tableName());
            }
            return dialect;
        } catch (SQLException e) {
            throw new LockBackendException("distlock-jdbc could not prepare lock table " + settings.tableName()
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "jdbc";
    }

    /** Not fair (no queue: the first poll after a release wins); tokens come from the table's durable token source. */
    @Override
    public BackendCapabilities capabilities() {
        return CAPABILITIES;
    }

    public JdbcDialect dialect() {
        return dialect;
    }

    public String tableName() {
        return table;
    }

    /** {@code request.fair()} is not honoured: {@link #capabilities()} says so. */
    @Override
    public AcquireResult tryAcquire(AcquireRequest request) {
        String keyHash = JdbcKeyLayout.hash(request.key());
        String key = JdbcKeyLayout.display(request.key());
        long ttlMillis = request.ttl().toMillis();
        return connections.run("acquire", request.key(),
                connection -> sql.acquire(connection, keyHash, key, request.owner(), ttlMillis));
    }

    @Override
    public boolean renew(String key, String owner, Duration ttl) {
        String keyHash = JdbcKeyLayout.hash(key);
        return connections.run("renew", key, connection -> sql.renew(connection, keyHash, owner, ttl.toMillis()));
    }

    /**
     * The whole batch on one connection: one statement per distinct lease length on PostgreSQL, one
     * per {@value LockTableSql#RENEW_CHUNK} leases elsewhere (and a read-back of a chunk in which a
     * lease was not extended, on dialects without RETURNING), each committed with itself. Each lease
     * is extended exactly when {@link #renew} would have extended it.
     */
    @Override
    public List<RenewResult> renewAll(List<RenewRequest> requests) {
        if (requests.isEmpty()) {
            return List.of();
        }
        boolean[] extended = connections.run("renew " + requests.size() + " leases", null,
                connection -> sql.renewAll(connection, requests));
        List<RenewResult> results = new ArrayList<>(extended.length);
        for (boolean renewed : extended) {
            results.add(renewed ? RenewResult.renewed() : RenewResult.refused());
        }
        return results;
    }

    /** Runs {@code work} on a connection of this backend, as its own calls do (for a dialect's subclass). */
    final <T> T run(String what, String key, JdbcConnections.SqlWork<T> work) {
        return connections.run(what, key, work);
    }

    @Override
    public boolean release(String key, String owner) {
        return releaseTellingWaiters(key, owner).released();
    }

    /** On PostgreSQL with release notifications the release knows of the waiters it notified; elsewhere it cannot tell. */
    @Override
    public ReleaseOutcome releaseTellingWaiters(String key, String owner) {
        String keyHash = JdbcKeyLayout.hash(key);
        return connections.run("release", key, connection -> sql.release(connection, keyHash, owner));
    }

    /**
     * Deletes rows that have been expired for longer than {@code idleFor}: those of holders that never
     * released (a released lock has no row). Tokens do not depend on rows, so a deleted key's next
     * token is still above all its earlier ones.
     *
     * @return the number of rows deleted
     */
    public int purgeExpired(Duration idleFor) {
        return connections.run("purge expired locks", null, connection -> sql.purge(connection, idleFor.toMillis()));
    }

    /**
     * Connects and queries the table on the caller's thread, the query bounded by the statement
     * timeout; never throws. A connection that cannot be had may block longer: the health indicator
     * bounds how long a health request waits for this answer.
     */
    @Override
    public BackendHealth health() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("dialect", dialect.name());
        details.put("table", table);
        try {
            details.put("database", probe());
            return BackendHealth.up(details);
        } catch (LockBackendException e) {
            if (e.getCause() instanceof SQLException sql && JdbcErrors.isMissingTable(sql)) {
                return BackendHealth.down(JdbcErrors.missingTableFix(table, dialect), details);
            }
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return BackendHealth.down(String.valueOf(cause.getMessage()), details);
        } catch (RuntimeException e) {
            return BackendHealth.down(String.valueOf(e.getMessage()), details);
        }
    }

    private String probe() {
        return connections.run("run the health probe", null, connection -> {
            try (PreparedStatement statement = sql.prepare(connection, sql.probeSql())) {
                statement.executeQuery().close();
            }
            DatabaseMetaData metaData = connection.getMetaData();
            return metaData.getDatabaseProductName() + " " + metaData.getDatabaseProductVersion();
        });
    }

    /** The dialect's statements on this backend's table; for tests that run one statement alone. */
    LockTableSql sql() {
        return sql;
    }

    /** Stops the backend's own threads; the DataSource belongs to the application and stays open. */
    @Override
    public void close() {
        if (purger != null) {
            purger.close();
        }
    }
}
