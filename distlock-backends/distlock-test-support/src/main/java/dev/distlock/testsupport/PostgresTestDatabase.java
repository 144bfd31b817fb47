package dev.distlock.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A database of its own on the machine's PostgreSQL (127.0.0.1:5432, user postgres, trust
 * authentication; override with -Ddistlock.test.postgres.host/port/user), created for one test class
 * and dropped by {@link #close()}. A database rather than a schema: LISTEN/NOTIFY channels are per
 * database, so test classes cannot wake each other. Needs the PostgreSQL driver on the test classpath.
 */
public final class PostgresTestDatabase implements AutoCloseable {

    private static final String HOST = System.getProperty("distlock.test.postgres.host", "127.0.0.1");
    private static final String PORT = System.getProperty("distlock.test.postgres.port", "5432");
    private static final String USER = System.getProperty("distlock.test.postgres.user", "postgres");
    private static final String INSTALL_HINT = "PostgreSQL must run on " + HOST + ":" + PORT + " with trust "
            + "authentication for user " + USER + ": run scripts/test-servers.sh (it installs it with "
            + "apt-get install -y postgresql and starts it)";

    private final String name;

    private PostgresTestDatabase(String name) {
        this.name = name;
    }

    /** Creates {@code distlock_<purpose>_<random>}. */
    public static PostgresTestDatabase create(String purpose) {
        String name = ("distlock_" + purpose + "_" + UUID.randomUUID().toString().substring(0, 8))
                .toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        admin("CREATE DATABASE " + name);
        return new PostgresTestDatabase(name);
    }

    public String name() {
        return name;
    }

    public String jdbcUrl() {
        return url(name);
    }

    public String user() {
        return USER;
    }

    public String password() {
        return "";
    }

    /** Drops the database, closing any connection still open to it. */
    @Override
    public void close() {
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private static String url(String database) {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + database;
    }

    private static void admin(String sql) {
        try (Connection connection = DriverManager.getConnection(url("postgres"), USER, "");
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            if ("08001".equals(e.getSQLState()) || "08004".equals(e.getSQLState()) || "28000".equals(e.getSQLState())) {
                throw new IllegalStateException(INSTALL_HINT, e);
            }
            throw new IllegalStateException("PostgreSQL refused: " + sql, e);
        }
    }
}
