package dev.distlock.jdbc;

import java.sql.SQLException;

/** Reads SQLSTATEs the way every driver reports them, without a vendor error-code table. */
final class JdbcErrors {

    private JdbcErrors() {
    }

    /** Class 23, integrity constraint violation: two first acquisitions of one key raced to INSERT. */
    static boolean isDuplicateKey(SQLException e) {
        return sqlStateStartsWith(e, "23");
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
        for (SQLException next = e; next != null; next = next.getNextException()) {
            String state = next.getSQLState();
            if ("42P01".equals(state) || "42S02".equals(state) || "42102".equals(state) || "42104".equals(state)) {
                return true;
            }
        }
        return false;
    }

    /** What to do about a missing lock table, for messages: its DDL and the property that runs it. */
    static String missingTableFix(String table, JdbcDialect dialect) {
        return "lock table " + table + " does not exist: create it with " + dialect.schemaResource()
                + " (or set distlock.jdbc.initialize-schema=always)";
    }

    private static boolean sqlStateStartsWith(SQLException e, String prefix) {
        for (SQLException next = e; next != null; next = next.getNextException()) {
            String state = next.getSQLState();
            if (state != null && state.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
