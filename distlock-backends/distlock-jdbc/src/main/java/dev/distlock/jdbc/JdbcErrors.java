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
