package dev.distlock.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A database server on this machine that test classes create databases of their own on, as an admin
 * user without a password. What {@link PostgresTestDatabase} and {@link MariaDbTestDatabase} share.
 */
final class LocalDatabaseServer {

    private final String product;
    private final String urlPrefix;
    private final String adminDatabase;
    private final String user;
    private final Predicate<String> unreachable;
    private final String installHint;

    /**
     * @param product       the server's name in error messages
     * @param urlPrefix     JDBC URL up to the database name, e.g. {@code jdbc:postgresql://127.0.0.1:5432/}
     * @param adminDatabase the database admin statements connect to
     * @param unreachable   true for the SQLStates (maybe null) that mean the server is not there or
     *                      does not let the user in
     * @param installHint   the message then: how to get the server running
     */
    LocalDatabaseServer(String product, String urlPrefix, String adminDatabase, String user,
                        Predicate<String> unreachable, String installHint) {
        this.product = product;
        this.urlPrefix = urlPrefix;
        this.adminDatabase = adminDatabase;
        this.user = user;
        this.unreachable = unreachable;
        this.installHint = installHint;
    }

    /** {@code distlock_<purpose>_<random>} in lower case letters, digits and underscores: no quoting needed. */
    static String uniqueName(String purpose) {
        return ("distlock_" + purpose + "_" + UUID.randomUUID().toString().substring(0, 8))
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }

    String url(String database) {
        return urlPrefix + database;
    }

    String user() {
        return user;
    }

    /** Runs one statement on the admin database; a server that cannot be reached fails with the install hint. */
    void admin(String sql) {
        try (Connection connection = DriverManager.getConnection(url(adminDatabase), user, "");
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            if (unreachable.test(e.getSQLState())) {
                throw new IllegalStateException(installHint, e);
            }
            throw new IllegalStateException(product + " refused: " + sql, e);
        }
    }
}
