package dev.distlock.benchmarks.jdbc;

import java.sql.SQLException;

import javax.sql.DataSource;

import dev.distlock.benchmarks.support.LockClient;
import dev.distlock.testsupport.MariaDbTestDatabase;
import dev.distlock.testsupport.PostgresTestDatabase;

/**
 * A database of its own on one of the machine's servers (created by the bench, dropped at its end),
 * with what differs between the servers: the peers' tables in that server's dialect and the floor.
 */
interface JdbcDatabase extends AutoCloseable {

    String jdbcUrl();

    String user();

    String password();

    /** ShedLock's documented table for this database. */
    String shedLockTable();

    /** Spring Integration's INT_LOCK table, as in its schema-&lt;database&gt;.sql. */
    String intLockTable();

    /** The fewest round trips of distlock's table protocol on this database. */
    LockClient floor(DataSource pool) throws SQLException;

    @Override
    void close();

    static JdbcDatabase postgres() {
        PostgresTestDatabase database = PostgresTestDatabase.create("bench");
        return new JdbcDatabase() {
            @Override
            public String jdbcUrl() {
                return database.jdbcUrl();
            }

            @Override
            public String user() {
                return database.user();
            }

            @Override
            public String password() {
                return database.password();
            }

            @Override
            public String shedLockTable() {
                return """
                        CREATE TABLE shedlock (name VARCHAR(64) NOT NULL, lock_until TIMESTAMP NOT NULL,
                                               locked_at TIMESTAMP NOT NULL, locked_by VARCHAR(255) NOT NULL, PRIMARY KEY (name))
                        """;
            }

            @Override
            public String intLockTable() {
                return """
                        CREATE TABLE INT_LOCK (LOCK_KEY CHAR(36) NOT NULL, REGION VARCHAR(100) NOT NULL, CLIENT_ID CHAR(36),
                                               CREATED_DATE TIMESTAMP NOT NULL, EXPIRED_AFTER TIMESTAMP NOT NULL,
                                               CONSTRAINT INT_LOCK_PK PRIMARY KEY (LOCK_KEY, REGION))
                        """;
            }

            @Override
            public LockClient floor(DataSource pool) throws SQLException {
                return new PostgresFloor(pool);
            }

            @Override
            public void close() {
                database.close();
            }
        };
    }

    static JdbcDatabase mariaDb() {
        MariaDbTestDatabase database = MariaDbTestDatabase.create("bench");
        return new JdbcDatabase() {
            @Override
            public String jdbcUrl() {
                return database.jdbcUrl();
            }

            @Override
            public String user() {
                return database.user();
            }

            @Override
            public String password() {
                return database.password();
            }

            @Override
            public String shedLockTable() {
                return """
                        CREATE TABLE shedlock (name VARCHAR(64) NOT NULL, lock_until TIMESTAMP(3) NOT NULL,
                                               locked_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
                                               locked_by VARCHAR(255) NOT NULL, PRIMARY KEY (name))
                        """;
            }

            @Override
            public String intLockTable() {
                return """
                        CREATE TABLE INT_LOCK (LOCK_KEY CHAR(36) NOT NULL, REGION VARCHAR(100) NOT NULL, CLIENT_ID CHAR(36),
                                               CREATED_DATE DATETIME(6) NOT NULL, EXPIRED_AFTER DATETIME(6) NOT NULL,
                                               CONSTRAINT INT_LOCK_PK PRIMARY KEY (LOCK_KEY, REGION)) ENGINE = InnoDB
                        """;
            }

            @Override
            public LockClient floor(DataSource pool) throws SQLException {
                return new MariaDbFloor(pool);
            }

            @Override
            public void close() {
                database.close();
            }
        };
    }
}
