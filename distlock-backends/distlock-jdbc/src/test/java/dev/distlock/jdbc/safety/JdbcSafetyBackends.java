package dev.distlock.jdbc.safety;

import java.time.Duration;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.distlock.jdbc.JdbcDialect;
import dev.distlock.jdbc.JdbcLockBackend;
import dev.distlock.jdbc.JdbcSettings;
import dev.distlock.spi.LockBackend;
import dev.distlock.testsupport.safety.BackendSpec;
import dev.distlock.testsupport.safety.SafetyBackendFactory;

/**
 * Builds the JDBC backend in a safety client JVM on a small Hikari pool: type {@code jdbc}, values
 * {@code url}, {@code user}, {@code connectionTimeout}. PostgreSQL; the lock table exists already.
 */
public final class JdbcSafetyBackends implements SafetyBackendFactory {

    @Override
    public LockBackend create(BackendSpec spec) {
        if (!spec.type().equals("jdbc")) {
            throw new IllegalArgumentException("Not a JDBC backend: " + spec);
        }
        // The dialect named, so that create() does not connect: the JVM may still be warming up.
        return JdbcLockBackend.create(JdbcSettings.builder(pool(spec))
                .dialect(JdbcDialect.POSTGRESQL)
                .statementTimeout(Duration.ofSeconds(1))
                .build());
    }

    static HikariDataSource pool(BackendSpec spec) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(spec.value("url"));
        config.setUsername(spec.value("user"));
        config.setMaximumPoolSize(4);
        config.setConnectionTimeout(Duration.parse(spec.value("connectionTimeout")).toMillis());
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }
}
