package dev.distlock.fencing.jdbc;

import java.util.regex.Pattern;

/** Table and column names go into the SQL text, never parameters: only plain or quoted identifiers are let in. */
final class SqlIdentifiers {

    /** Optionally schema-qualified; each part plain, "double-quoted" or `back-quoted`. */
    private static final Pattern IDENTIFIER = Pattern.compile(
            "(?:[A-Za-z_][A-Za-z0-9_$]*|\"[^\"]+\"|`[^`]+`)(?:\\.(?:[A-Za-z_][A-Za-z0-9_$]*|\"[^\"]+\"|`[^`]+`))*");

    private SqlIdentifiers() {
    }

    static String check(String identifier, String what) {
        if (!IDENTIFIER.matcher(identifier).matches()) {
            throw new IllegalArgumentException(what + " '" + identifier + "' is not a plain SQL identifier "
                    + "(letters, digits and _; \"quoted\" or `quoted` for anything else)");
        }
        return identifier;
    }
}
