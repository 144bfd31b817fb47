package dev.distlock.benchmarks.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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

/**
 * A fresh database on the machine's PostgreSQL or MariaDB (or, in another JVM, the one a bench created: {@link #attach}) and the JDBC clients compared on it. Every
 * client has its own HikariCP pool (Boot's default pool) and its own table; leases of 30 s.
 */
public final class JdbcBench implements BackendBench {

    static final Duration LEASE = Duration.ofSeconds(30);

    private final JdbcDatabase database;
    /** Closed with the bench, after the clients: distlock's backend does not own its DataSource. */
    private final List<HikariDataSource> pools = new CopyOnWriteArrayList<>();

    private JdbcBench(JdbcDatabase database) {
        this.database = database;
    }

    /** A database of its own on the machine's PostgreSQL (127.0.0.1:5432). */
    public static JdbcBench postgres() {
        return new JdbcBench(JdbcDatabase.postgres());
    }

    /** A database of its own on the machine's MariaDB (127.0.0.1:3306). */
    public static JdbcBench mariaDb() {
        return new JdbcBench(JdbcDatabase.mariaDb());
    }

    /** The database another JVM's bench created, as {@link #connection()} named it; closing leaves it. */
    public static JdbcBench attach(List<String> connection) {
        return new JdbcBench(JdbcDatabase.attach(connection));
    }

    @Override
    public List<String> connection() {
        return database.connection();
    }

    @Override
    public LockClient client(String impl) throws SQLException {
        return switch (impl) {
            case "floor" -> database.floor(pool());
            case "floor-bounded" -> new BoundedFloor(database.floor(pool()));
            case "floor-waiting" -> database.waitingFloor(pool());
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

    /** A pool of its own on the bench's database. */
    public HikariDataSource pool() {
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

    static void execute(DataSource dataSource, String ddl) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(ddl);
        }
    }

    /** One autocommit statement with string parameters, on a connection of the pool. */
    static void update(DataSource dataSource, String sql, String... params) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setString(i + 1, params[i]);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** ShedLock's JdbcTemplate provider with the database's clock; try once, no waiting. */
    private LockClient shedLock(HikariDataSource pool) throws SQLException {
        execute(pool, database.kind().shedLockTable);
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
    private LockClient springIntegration(HikariDataSource pool) throws SQLException {
        try {
            execute(pool, database.kind().intLockTable);
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
}
