package dev.distlock.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks the {@link JdbcDialect} from what the driver says the database is. */
final class DialectDetector {

    private static final Logger log = LoggerFactory.getLogger(DialectDetector.class);

    private DialectDetector() {
    }

    static JdbcDialect detect(Connection connection) throws SQLException {
        DatabaseMetaData metaData = connection.getMetaData();
        String product = metaData.getDatabaseProductName();
        JdbcDialect dialect = fromProductName(product);
        if (dialect == JdbcDialect.PORTABLE) {
            log.warn("distlock-jdbc has no dialect for database '{}' {}: using portable SQL (two statements per "
                            + "first acquisition of a key, whole-second leases, no release notifications). "
                            + "Set the dialect explicitly if the database speaks one of {}.",
                    product, metaData.getDatabaseProductVersion(), Arrays.toString(JdbcDialect.values()));
        } else {
            log.debug("distlock-jdbc detected {} ({}): dialect {}", product, metaData.getDatabaseProductVersion(), dialect);
        }
        return dialect;
    }

    static JdbcDialect fromProductName(String productName) {
        String product = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
        if (product.contains("postgresql")) {
            return JdbcDialect.POSTGRESQL;
        }
        if (product.contains("mysql") || product.contains("mariadb")) {
            return JdbcDialect.MYSQL;
        }
        if (product.equals("h2")) {
            return JdbcDialect.H2;
        }
        return JdbcDialect.PORTABLE;
    }
}
