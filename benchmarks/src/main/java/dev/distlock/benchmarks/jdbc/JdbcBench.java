package dev.distlock.benchmarks.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import dev.distlock.benchmarks.support.BackendBench;
import dev.distlock.benchmarks.support.DistlockAnnotationClient;
import dev.distlock.benchmarks.support.DistlockApiClient;
import dev.distlock.benchmarks.support.LockClient;
import dev.distlock.jdbc.JdbcLockBackend;
import dev.distlock.jdbc.JdbcSettings;
import dev.distlock.testsupport.PostgresTestDatabase;

/**
 * A fresh database on the machine's PostgreSQL and the JDBC clients compared on it. Every client has
 * its own HikariCP pool (Boot's default pool) and its own table; leases of 30 s.
 */
final class JdbcBench implements BackendBench {

    static final Duration LEASE = Duration.ofSeconds(30);

    /** ShedLock's documented PostgreSQL table. */
    static final String SHEDLOCK_TABLE = """
            CREATE TABLE shedlock (name VARCHAR(64) NOT NULL, lock_until TIMESTAMP NOT NULL,
                                   locked_at TIMESTAMP NOT NULL, locked_by VARCHAR(255) NOT NULL, PRIMARY KEY (name))
            """;

    /** Spring Integration's INT_LOCK table, as in its schema-postgresql.sql. */
    static final String INT_LOCK_TABLE = """
            CREATE TABLE INT_LOCK (LOCK_KEY CHAR(36) NOT NULL, REGION VARCHAR(100) NOT NULL, CLIENT_ID CHAR(36),
                                   CREATED_DATE TIMESTAMP NOT NULL, EXPIRED_AFTER TIMESTAMP NOT NULL,
                                   CONSTRAINT INT_LOCK_PK PRIMARY KEY (LOCK_KEY, REGION))
            """;

    private final PostgresTestDatabase database = PostgresTestDatabase.create("bench");
    /** Closed with the bench, after the clients: distlock's backend does not own its DataSource. */
    private final List<HikariDataSource> pools = new CopyOnWriteArrayList<>();

    @Override
    public LockClient client(String impl) throws SQLException {
        return switch (impl) {
            case "floor" -> new Floor(pool());
            case "distlock-api" -> new DistlockApiClient(backend("distlock_locks"));
            case "distlock-annotation" -> new DistlockAnnotationClient(backend("distlock_locks"));
            case "shedlock" -> shedLock(pool());
            case "spring-integration" -> springIntegration(pool());
            default -> throw new IllegalArgumentException("No JDBC client named " + impl);
        };
    }

    @Override
    public void close() {
        pools.forEach(HikariDataSource::close);
        database.close();
    }

    private HikariDataSource pool() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database.jdbcUrl());
        config.setUsername(database.user());
        config.setPassword(database.password());
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return pool;
    }

    /** distlock's backend on a pool of its own; the table is created on first use, as initialize-schema does. */
    private JdbcLockBackend backend(String table) {
        return JdbcLockBackend.create(JdbcSettings.builder(pool()).tableName(table).initializeSchema(true).build());
    }

    private static void execute(DataSource dataSource, String ddl) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(ddl);
        }
    }

    /** ShedLock's JdbcTemplate provider with the database's clock; try once, no waiting. */
    private static LockClient shedLock(HikariDataSource pool) throws SQLException {
        execute(pool, SHEDLOCK_TABLE);
        JdbcTemplateLockProvider provider = new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(pool))
                .usingDbTime()
                .build());
        return new LockClient() {
            @Override
            public Held acquire(String key) {
                Optional<SimpleLock> lock = provider.lock(new LockConfiguration(Instant.now(), key, LEASE, Duration.ZERO));
                return lock.orElseThrow(() -> new NotGranted(key))::unlock;
            }

            @Override
            public void close() {
            }
        };
    }

    /** Spring Integration's JdbcLockRegistry on a DefaultLockRepository, with their defaults (100 ms between tries). */
    private static LockClient springIntegration(HikariDataSource pool) throws SQLException {
        try {
            execute(pool, INT_LOCK_TABLE);
        } catch (SQLException alreadyThere) {
            // the second client of a hand-off shares the first one's table
        }
        DefaultLockRepository repository = new DefaultLockRepository(pool);
        repository.setTransactionManager(new DataSourceTransactionManager(pool));
        repository.setTimeToLive((int) LEASE.toMillis());
        repository.afterPropertiesSet();
        repository.afterSingletonsInstantiated();
        JdbcLockRegistry registry = new JdbcLockRegistry(repository, LEASE);
        return LockClient.ofLocks(registry::obtain, repository::close);
    }

    /**
     * The floor: distlock's own two statements on plain JDBC, one round trip each on a pooled
     * autocommit connection. Acquire is the PostgreSQL dialect's single INSERT ... ON CONFLICT DO
     * UPDATE ... WHERE ... RETURNING token; release sets expires_at to now() where the owner holds
     * the key (without distlock's pg_notify). The key stands in for the key hash (no hashing).
     */
    static final class Floor implements LockClient {

        /** Params: 1 key, 2 key, 3 owner, 4 lease ms. One row (the token) when granted, none when held. */
        static final String ACQUIRE = """
                INSERT INTO bench_floor AS l (key_hash, lock_key, owner, token, acquired_at, expires_at)
                VALUES (?, ?, ?, 1, now(), now() + ? * INTERVAL '1 millisecond')
                ON CONFLICT (key_hash) DO UPDATE
                   SET token       = CASE WHEN l.expires_at <= now() THEN l.token + 1 ELSE l.token END,
                       acquired_at = CASE WHEN l.expires_at <= now() THEN now() ELSE l.acquired_at END,
                       owner       = EXCLUDED.owner,
                       expires_at  = EXCLUDED.expires_at
                 WHERE l.expires_at <= now() OR l.owner = EXCLUDED.owner
                RETURNING token
                """;

        /** Params: 1 key, 2 owner. Updates one row when the owner held the key. */
        static final String RELEASE = """
                UPDATE bench_floor SET expires_at = now() WHERE key_hash = ? AND owner = ? AND expires_at > now()
                """;

        private final HikariDataSource pool;
        private final String owner = UUID.randomUUID().toString();

        Floor(HikariDataSource pool) throws SQLException {
            this.pool = pool;
            execute(pool, "CREATE TABLE bench_floor (key_hash CHAR(64) NOT NULL PRIMARY KEY, lock_key TEXT NOT NULL, "
                    + "owner VARCHAR(255) NOT NULL, token BIGINT NOT NULL, acquired_at TIMESTAMPTZ NOT NULL, "
                    + "expires_at TIMESTAMPTZ NOT NULL)");
        }

        @Override
        public Held acquire(String key) {
            try (Connection connection = pool.getConnection();
                 PreparedStatement acquire = connection.prepareStatement(ACQUIRE)) {
                acquire.setString(1, key);
                acquire.setString(2, key);
                acquire.setString(3, owner);
                acquire.setLong(4, LEASE.toMillis());
                try (ResultSet token = acquire.executeQuery()) {
                    if (!token.next()) {
                        throw new NotGranted(key);
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return () -> release(key);
        }

        private void release(String key) {
            try (Connection connection = pool.getConnection();
                 PreparedStatement release = connection.prepareStatement(RELEASE)) {
                release.setString(1, key);
                release.setString(2, owner);
                release.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
        }
    }
}
