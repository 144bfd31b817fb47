package dev.distlock.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the lock table from the dialect's classpath script when it does not exist yet. The scripts
 * name the table {@code distlock_locks}, so that DBAs can run them as they are; a configured name
 * replaces it here.
 */
final class SchemaInitializer {

    private static final Logger log = LoggerFactory.getLogger(SchemaInitializer.class);

    private SchemaInitializer() {
    }

    static void initialize(Connection connection, JdbcDialect dialect, LockTableSql sql, String table,
                           int timeoutSeconds) throws SQLException {
        if (tableExists(connection, sql, timeoutSeconds)) {
            return;
        }
        String script = read(dialect.schemaResource())
                .replaceAll("\\bdistlock_locks\\b", Matcher.quoteReplacement(table));
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(timeoutSeconds);
            for (String ddl : statements(script)) {
                statement.execute(ddl);
            }
        }
        log.info("distlock-jdbc created lock table {} from {}", table, dialect.schemaResource());
    }

    private static boolean tableExists(Connection connection, LockTableSql sql, int timeoutSeconds) {
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(timeoutSeconds);
            statement.executeQuery(sql.probeSql()).close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Splits a script on semicolons after dropping {@code --} comments (the scripts hold no string literals). */
    static List<String> statements(String script) {
        StringBuilder code = new StringBuilder();
        for (String line : script.split("\n")) {
            int comment = line.indexOf("--");
            code.append(comment < 0 ? line : line.substring(0, comment)).append('\n');
        }
        List<String> statements = new ArrayList<>();
        for (String part : code.toString().split(";")) {
            if (!part.isBlank()) {
                statements.add(part.strip());
            }
        }
        return statements;
    }

    static String read(String resource) {
        try (InputStream in = SchemaInitializer.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing classpath resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
