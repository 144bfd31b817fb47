package dev.distlock.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns about a portable lock table whose {@code expires_at} has no time zone (as earlier versions of
 * the portable script created it). Such a column keeps the session's wall-clock time: read back after a
 * daylight-saving change, or by a session in another time zone, every lease moves by the offset
 * change, and a lease that seems over is granted to a second client.
 */
final class ZonelessTimesCheck {

    private static final Logger log = LoggerFactory.getLogger(ZonelessTimesCheck.class);

    private ZonelessTimesCheck() {
    }

    static void warnIfZoneless(Connection connection, String table) {
        try {
            if (isZoneless(connection.getMetaData(), table)) {
                log.warn("distlock-jdbc: column expires_at of lock table {} is TIMESTAMP without time zone: each "
                        + "session writes its own wall-clock time, so a daylight-saving change or sessions in "
                        + "different time zones move every lease by the offset change and can grant a held lock "
                        + "twice. Change acquired_at and expires_at to TIMESTAMP WITH TIME ZONE (see "
                        + "dev/distlock/jdbc/schema-portable.sql), or run every session in UTC.", table);
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("distlock-jdbc: could not read the column types of {}: {}", table, e.toString());
        }
    }

    /** True when the driver reports expires_at as plain {@link Types#TIMESTAMP}, in any spelling of the name. */
    static boolean isZoneless(DatabaseMetaData metaData, String table) throws SQLException {
        int dot = table.indexOf('.');
        String schema = dot < 0 ? null : table.substring(0, dot);
        String name = dot < 0 ? table : table.substring(dot + 1);
        for (String spelling : spellings(name)) {
            try (ResultSet columns = metaData.getColumns(null, schema == null ? null : caseOf(schema, spelling),
                    spelling, caseOf("expires_at", spelling))) {
                if (columns.next()) {
                    return columns.getInt("DATA_TYPE") == Types.TIMESTAMP;
                }
            }
        }
        return false;
    }

    private static Set<String> spellings(String name) {
        Set<String> spellings = new LinkedHashSet<>();
        spellings.add(name);
        spellings.add(name.toUpperCase(Locale.ROOT));
        spellings.add(name.toLowerCase(Locale.ROOT));
        return spellings;
    }

    /** {@code identifier} in the case of {@code like}: upper, lower, or as given. */
    private static String caseOf(String identifier, String like) {
        if (like.equals(like.toUpperCase(Locale.ROOT))) {
            return identifier.toUpperCase(Locale.ROOT);
        }
        if (like.equals(like.toLowerCase(Locale.ROOT))) {
            return identifier.toLowerCase(Locale.ROOT);
        }
        return identifier;
    }
}
