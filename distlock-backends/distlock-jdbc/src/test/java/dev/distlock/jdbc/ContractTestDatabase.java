package dev.distlock.jdbc;

import java.util.function.UnaryOperator;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import com.zaxxer.hikari.HikariDataSource;

/**
 * The database of one contract test class: created with its lock table before the class, dropped
 * after it. Register it as a static {@code @RegisterExtension} field; {@link #newBackend()} hands the
 * suite a new backend on one shared pool, as another JVM would have it.
 */
final class ContractTestDatabase implements BeforeAllCallback, AfterAllCallback {

    private final TestDatabase.Kind kind;
    private final String purpose;
    private final UnaryOperator<JdbcLockSettings.Builder> settings;
    private TestDatabase database;
    private HikariDataSource pool;

    ContractTestDatabase(TestDatabase.Kind kind, String purpose) {
        this(kind, purpose, UnaryOperator.identity());
    }

    /** @param settings applied to every backend's settings, the one that creates the table included */
    ContractTestDatabase(TestDatabase.Kind kind, String purpose, UnaryOperator<JdbcLockSettings.Builder> settings) {
        this.kind = kind;
        this.purpose = purpose;
        this.settings = settings;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        database = TestDatabase.create(kind, purpose);
        pool = database.pool();
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

    private JdbcLockBackend newBackend(boolean initializeSchema) {
        return JdbcLockBackend.create(settings.apply(JdbcLockSettings.builder(pool))
                .initializeSchema(initializeSchema).build());
    }
}
