package dev.distlock.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.distlock.testsupport.MariaDbTestDatabase;
import dev.distlock.testsupport.PostgresTestDatabase;

/** One real database for one test class, with connection pools on it; {@link #close()} drops it all. */
final class TestDatabase implements AutoCloseable {

    enum Kind { POSTGRESQL, MARIADB, H2 }

    private final Kind kind;
    private final String jdbcUrl;
    private final String user;
    private final AutoCloseable drop;
    private final List<HikariDataSource> pools = new ArrayList<>();

    private TestDatabase(Kind kind, String jdbcUrl, String user, AutoCloseable drop) {
        this.kind = kind;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.drop = drop;
    }

    static TestDatabase create(Kind kind, String purpose) {
        return switch (kind) {
            case POSTGRESQL -> {
                PostgresTestDatabase database = PostgresTestDatabase.create(purpose);
                yield new TestDatabase(kind, database.jdbcUrl(), database.user(), database);
            }
            case MARIADB -> {
                MariaDbTestDatabase database = MariaDbTestDatabase.create(purpose);
                yield new TestDatabase(kind, database.jdbcUrl(), database.user(), database);
            }
            // DB_CLOSE_DELAY=-1: the in-memory database lives until the JVM ends, whatever the pool does.
            case H2 -> new TestDatabase(kind, "jdbc:h2:mem:" + purpose + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                    "sa", () -> { });
        };
    }

    Kind kind() {
        return kind;
    }

    /** The server's TCP port; for H2 in memory, -1. */
    int port() {
        return java.net.URI.create(jdbcUrl.substring("jdbc:".length())).getPort();
    }

    /** A pool as {@link #pool()} on {@code 127.0.0.1:port}: a proxy in front of {@link #port()}. */
    HikariDataSource poolOn(int port) {
        return pool(config -> config.setJdbcUrl(jdbcUrl.replaceFirst("//[^/]+/", "//127.0.0.1:" + port + "/")));
    }

    /** A pool as an application would configure it. */
    HikariDataSource pool() {
        return pool(config -> { });
    }

    HikariDataSource pool(Consumer<HikariConfig> customizer) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(kind == Kind.H2 ? "" : "");
        config.setMaximumPoolSize(12);
        config.setPoolName("distlock-test-" + pools.size());
        customizer.accept(config);
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return pool;
    }

    /** SQL that puts a session into the time zone {@code +HH:MM}, to show it does not matter. */
    String setSessionTimeZone(String offset) {
        return switch (kind) {
            case POSTGRESQL -> "SET TIME ZONE INTERVAL '" + offset + "' HOUR TO MINUTE";
            case MARIADB -> "SET time_zone = '" + offset + "'";
            case H2 -> "SET TIME ZONE '" + offset + "'";
        };
    }

    @Override
    public void close() throws Exception {
        for (HikariDataSource pool : pools) {
            pool.close();
        }
        drop.close();
    }
}
