package dev.distlock.jdbc;

import java.sql.SQLException;
import java.util.function.Predicate;

/** Reads SQLSTATEs the way every driver reports them, without a vendor error-code table. */
final class JdbcErrors {

    private JdbcErrors() {
    }

    /** Class 23, integrity constraint violation: two first acquisitions of one key raced to INSERT. */
    static boolean isDuplicateKey(SQLException e) {
        return sqlStateStartsWith(e, "23");
    }

    /**
     * SQLSTATE 22012, division by zero: PostgresLockTableSql#ACQUIRE refusing, by a division it
     * makes fail on purpose, to commit a token drawn before its row was in place.
     */
    static boolean isDivisionByZero(SQLException e) {
        return anySqlState(e, "22012"::equals);
    }

    /**
     * Worth one more try on a fresh connection: a racing INSERT, a deadlock or serialization failure
     * (class 40, e.g. InnoDB's 1213), or H2's "concurrent update" (90131). The statement was rolled
     * back, so a retry cannot grant twice.
     */
    static boolean isTransient(SQLException e) {
        return isDuplicateKey(e) || sqlStateStartsWith(e, "40") || "90131".equals(e.getSQLState());
    }

    /**
     * The table is not there: PostgreSQL's undefined_table (42P01), the standard 42S02 of MySQL and
     * MariaDB, H2's 42S02 and its own 4210x codes.
     */
    static boolean isMissingTable(SQLException e) {
        return anySqlState(e, state -> state.equals("42P01") || state.equals("42S02") || state.equals("42102")
                || state.equals("42104"));
    }

    /** What to do about a missing lock table, for messages: its DDL and the property that runs it. */
    static String missingTableFix(String table, JdbcDialect dialect) {
        return "lock table " + table + " does not exist: create it with " + dialect.schemaResource()
                + " (or set distlock.jdbc.initialize-schema=always)";
    }

    private static boolean sqlStateStartsWith(SQLException e, String prefix) {
        return anySqlState(e, state -> state.startsWith(prefix));
    }

    /** Whether {@code e}, or one chained to it as its next exception, has a SQLSTATE that {@code matches}. */
    private static boolean anySqlState(SQLException e, Predicate<String> matches) {
        for (SQLException next = e; next != null; next = next.getNextException()) {
            String state = next.getSQLState();
            if (state != null && matches.test(state)) {
                return true;
            }
        }
        return false;
    }
}
