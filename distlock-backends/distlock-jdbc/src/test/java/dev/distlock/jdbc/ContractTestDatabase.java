package dev.distlock.jdbc;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The database of one contract test class: created with its lock table before the class, dropped
 * after it. Register it as a static {@code @RegisterExtension} field; {@link #newBackend()} hands the
 * suite a new backend on one shared pool, as another JVM would have it.
 */
final class ContractTestDatabase implements BeforeAllCallback, AfterAllCallback {

    private final TestDatabase.Kind kind;
    private final String purpose;
    private final UnaryOperator<JdbcSettings.Builder> settings;
    private final Consumer<HikariConfig> pool;
    private TestDatabase database;
    private HikariDataSource dataSource;

    ContractTestDatabase(TestDatabase.Kind kind, String purpose) {
        this(kind, purpose, UnaryOperator.identity());
    }

    /** @param settings applied to every backend's settings, the one that creates the table included */
    ContractTestDatabase(TestDatabase.Kind kind, String purpose, UnaryOperator<JdbcSettings.Builder> settings) {
        this(kind, purpose, settings, config -> { });
    }

    /**
     * @param settings applied to every backend's settings, the one that creates the table included
     * @param pool     applied to the one pool every backend shares, e.g. to set session variables
     */
    ContractTestDatabase(TestDatabase.Kind kind, String purpose, UnaryOperator<JdbcSettings.Builder> settings,
                         Consumer<HikariConfig> pool) {
        this.kind = kind;
        this.purpose = purpose;
        this.settings = settings;
        this.pool = pool;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        database = TestDatabase.create(kind, purpose);
        dataSource = database.pool(pool);
        newBackend(true).close();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (database != null) {
            database.close();
        }
    }

    JdbcLockBackend newBackend() {
        return newBackend(false);
    }

    /** The pool every backend of the class shares. */
    HikariDataSource dataSource() {
        return dataSource;
    }

    private JdbcLockBackend newBackend(boolean initializeSchema) {
        return JdbcLockBackend.create(settings.apply(JdbcSettings.builder(dataSource))
                .initializeSchema(initializeSchema).build());
    }
}
