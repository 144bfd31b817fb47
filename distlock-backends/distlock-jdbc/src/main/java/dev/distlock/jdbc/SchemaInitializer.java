package dev.distlock.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.distlock.spi.LockBackendException;

/**
 * Creates the lock table and its token source from the dialect's classpath script when the table does
 * not exist yet, and the token source alone for a table of the previous version (which kept one
 * counter per row): then the source starts above the highest token in the table, so that no key is
 * ever handed a token below one it had. The scripts name the table {@code distlock_locks} (and the
 * source {@code distlock_locks_tokens}), so that DBAs can run them as they are; a configured name
 * replaces it here.
 */
final class SchemaInitializer {

    private static final Logger log = LoggerFactory.getLogger(SchemaInitializer.class);

    private SchemaInitializer() {
    }

    static void initialize(Connection connection, JdbcDialect dialect, LockTableSql sql, String table,
                           int timeoutSeconds) throws SQLException {
        if (!tableExists(connection, sql, timeoutSeconds)) {
            String script = read(dialect.schemaResource())
                    .replaceAll("\\bdistlock_locks(_tokens)?\\b", Matcher.quoteReplacement(table) + "$1");
            execute(connection, statements(script), timeoutSeconds);
            log.info("distlock-jdbc created lock table {} and its token source {} from {}", table,
                    LockTableSql.tokenSourceName(table), dialect.schemaResource());
            return; // and the source with it: no probe, which would spend the first token
        }
        if (tokenSourceExists(connection, sql)) {
            return;
        }
        long lastIssued = maxToken(connection, sql);
        try {
            execute(connection, sql.createTokenSource(lastIssued), timeoutSeconds);
        } catch (SQLException e) {
            if (!tokenSourceExists(connection, sql)) { // else another instance created it meanwhile
                throw e;
            }
        }
        log.info("distlock-jdbc created token source {} for lock table {}: its tokens start above {}, the "
                + "highest the table held", LockTableSql.tokenSourceName(table), table, lastIssued);
    }

    /**
     * Fails when the table's token source is missing (a table of the previous version, with
     * initialize-schema off), with the DDL to run: tokens of the table's rows must stay below the
     * source's, so the statements carry the highest token the table holds now.
     */
    static void requireTokenSource(Connection connection, JdbcDialect dialect, LockTableSql sql, String table,
                                   int timeoutSeconds) throws SQLException {
        if (tokenSourceExists(connection, sql)) {
            return;
        }
        if (!tableExists(connection, sql, timeoutSeconds)) {
            // The application still starts (its DBA or a migration may create the table later), but
            // says now what each lock call will say until then.
            log.warn("distlock-jdbc, {} database: {}; every lock fails until then", dialect, JdbcErrors.missingTableFix(table, dialect));
            return;
        }
        String ddl = String.join(";\n", sql.createTokenSource(maxToken(connection, sql))) + ";";
        throw new LockBackendException("distlock-jdbc: lock table " + table + " has no token source "
                + LockTableSql.tokenSourceName(table) + " (a table of the previous version, which counted tokens per "
                + "row; this version draws them from one source and deletes a lock's row at release). Stop every "
                + "instance of the previous version, then run on the " + dialect + " database:\n" + ddl
                + "\nor set distlock.jdbc.initialize-schema=always (JdbcSettings.initializeSchema(true)) to "
                + "have it created.");
    }

    /** Draws one token to see whether the source works; the value is never handed out, a harmless gap. */
    private static boolean tokenSourceExists(Connection connection, LockTableSql sql) {
        try {
            sql.nextToken(connection);
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static long maxToken(Connection connection, LockTableSql sql) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(sql.maxTokenSql())) {
            row.next();
            return row.getLong(1);
        }
    }

    private static void execute(Connection connection, List<String> ddl, int timeoutSeconds) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(timeoutSeconds);
            for (String each : ddl) {
                statement.execute(each);
            }
        }
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
