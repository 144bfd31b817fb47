package dev.distlock.autoconfigure.jdbc;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.EmbeddedDatabaseConnection;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.util.ClassUtils;

/**
 * What the JDBC backend needs to know about the application's DataSource, using spring-jdbc and
 * Spring Boot's JDBC module when present: an application may define a DataSource bean without them.
 * Each use of those classes sits in a nested class, loaded only after its module was found.
 */
final class LockDataSources {

    /** By name, because they are optional; a test checks that they still exist. */
    static final String SPRING_JDBC_CLASS = "org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy";
    static final String BOOT_JDBC_CLASS = "org.springframework.boot.jdbc.EmbeddedDatabaseConnection";

    private static final ClassLoader CLASS_LOADER = LockDataSources.class.getClassLoader();

    private LockDataSources() {
    }

    /**
     * The DataSource under any {@code TransactionAwareDataSourceProxy}: through the proxy, a lock
     * statement would run on the caller's transactional connection, and roll back or wait with it.
     */
    static DataSource withoutTransactionProxy(DataSource dataSource) {
        return ClassUtils.isPresent(SPRING_JDBC_CLASS, CLASS_LOADER) ? SpringJdbc.withoutTransactionProxy(dataSource) : dataSource;
    }

    /** Whether Spring Boot counts the database as embedded (in-memory H2, HSQLDB, Derby); false without Boot's JDBC module. */
    static boolean isEmbedded(DataSource dataSource) {
        return ClassUtils.isPresent(BOOT_JDBC_CLASS, CLASS_LOADER) && BootJdbc.isEmbedded(dataSource);
    }

    private static final class SpringJdbc {

        static DataSource withoutTransactionProxy(DataSource dataSource) {
            DataSource current = dataSource;
            while (current instanceof TransactionAwareDataSourceProxy proxy && proxy.getTargetDataSource() != null) {
                current = proxy.getTargetDataSource();
            }
            return current;
        }
    }

    private static final class BootJdbc {

        static boolean isEmbedded(DataSource dataSource) {
            return EmbeddedDatabaseConnection.isEmbedded(dataSource);
        }
    }
}
