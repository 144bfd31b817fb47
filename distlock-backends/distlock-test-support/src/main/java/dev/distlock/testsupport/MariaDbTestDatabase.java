package dev.distlock.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A database of its own on the machine's MariaDB (127.0.0.1:3306, root without a password; override
 * with -Ddistlock.test.mariadb.host/port/user), created for one test class and dropped by
 * {@link #close()}. Needs the MariaDB driver on the test classpath.
 */
public final class MariaDbTestDatabase implements AutoCloseable {

    private static final String HOST = System.getProperty("distlock.test.mariadb.host", "127.0.0.1");
    private static final String PORT = System.getProperty("distlock.test.mariadb.port", "3306");
    private static final String USER = System.getProperty("distlock.test.mariadb.user", "root");
    private static final String INSTALL_HINT = "MariaDB must run on " + HOST + ":" + PORT + " for user " + USER
            + " without a password: run scripts/test-servers.sh (it installs it with "
            + "apt-get install -y mariadb-server and starts it)";

    private final String name;

    private MariaDbTestDatabase(String name) {
        this.name = name;
    }

    /** Creates {@code distlock_<purpose>_<random>} with utf8mb4. */
    public static MariaDbTestDatabase create(String purpose) {
        String name = ("distlock_" + purpose + "_" + UUID.randomUUID().toString().substring(0, 8))
                .toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        admin("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        return new MariaDbTestDatabase(name);
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

    @Override
    public void close() {
        admin("DROP DATABASE IF EXISTS " + name);
    }

    private static String url(String database) {
        return "jdbc:mariadb://" + HOST + ":" + PORT + "/" + database;
    }

    private static void admin(String sql) {
        try (Connection connection = DriverManager.getConnection(url(""), USER, "");
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                throw new IllegalStateException(INSTALL_HINT, e);
            }
            throw new IllegalStateException("MariaDB refused: " + sql, e);
        }
    }
}
