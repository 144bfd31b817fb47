package dev.distlock.benchmarks.jdbc;

import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

import dev.distlock.benchmarks.support.LockClient;
import dev.distlock.testsupport.MariaDbTestDatabase;
import dev.distlock.testsupport.PostgresTestDatabase;

/**
 * A database of its own on one of the machine's servers (created by the bench and dropped at its end,
 * or, attached from another JVM, left as it is), with what differs between the servers: the peers'
 * tables in that server's dialect and the floor.
 *
 * @param drop run by {@link #close()}: drops the database the bench created, or nothing when attached
 */
record JdbcDatabase(Kind kind, String jdbcUrl, String user, String password, Runnable drop) implements AutoCloseable {

    /** The servers, by the names {@link JdbcBench#connection()} passes to another JVM. */
    enum Kind {
        POSTGRESQL("""
                CREATE TABLE shedlock (name VARCHAR(64) NOT NULL, lock_until TIMESTAMP NOT NULL,
                                       locked_at TIMESTAMP NOT NULL, locked_by VARCHAR(255) NOT NULL, PRIMARY KEY (name))
                """, """
                CREATE TABLE INT_LOCK (LOCK_KEY CHAR(36) NOT NULL, REGION VARCHAR(100) NOT NULL, CLIENT_ID CHAR(36),
                                       CREATED_DATE TIMESTAMP NOT NULL, EXPIRED_AFTER TIMESTAMP NOT NULL,
                                       CONSTRAINT INT_LOCK_PK PRIMARY KEY (LOCK_KEY, REGION))
                """),
        MARIADB("""
                CREATE TABLE shedlock (name VARCHAR(64) NOT NULL, lock_until TIMESTAMP(3) NOT NULL,
                                       locked_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
                                       locked_by VARCHAR(255) NOT NULL, PRIMARY KEY (name))
                """, """
                CREATE TABLE INT_LOCK (LOCK_KEY CHAR(36) NOT NULL, REGION VARCHAR(100) NOT NULL, CLIENT_ID CHAR(36),
                                       CREATED_DATE DATETIME(6) NOT NULL, EXPIRED_AFTER DATETIME(6) NOT NULL,
                                       CONSTRAINT INT_LOCK_PK PRIMARY KEY (LOCK_KEY, REGION)) ENGINE = InnoDB
                """);

        /** ShedLock's documented table for this database. */
        final String shedLockTable;
        /** Spring Integration's INT_LOCK table, as in its schema-&lt;database&gt;.sql. */
        final String intLockTable;

        Kind(String shedLockTable, String intLockTable) {
            this.shedLockTable = shedLockTable;
            this.intLockTable = intLockTable;
        }
    }

    static JdbcDatabase postgres() {
        PostgresTestDatabase database = PostgresTestDatabase.create("bench");
        return new JdbcDatabase(Kind.POSTGRESQL, database.jdbcUrl(), database.user(), database.password(), database::close);
    }

    static JdbcDatabase mariaDb() {
        MariaDbTestDatabase database = MariaDbTestDatabase.create("bench");
        return new JdbcDatabase(Kind.MARIADB, database.jdbcUrl(), database.user(), database.password(), database::close);
    }

    /** The database another JVM's bench created, from {@link #connection()}. */
    static JdbcDatabase attach(List<String> connection) {
        return new JdbcDatabase(Kind.valueOf(connection.get(0)), connection.get(1), connection.get(2),
                connection.size() > 3 ? connection.get(3) : "", () -> { });
    }

    List<String> connection() {
        return List.of(kind.name(), jdbcUrl, user, password);
    }

    /** The fewest round trips of distlock's table protocol on this database. */
    LockClient floor(DataSource pool) throws SQLException {
        return kind == Kind.POSTGRESQL ? new PostgresFloor(pool) : new MariaDbFloor(pool);
    }

    /** The PostgreSQL floor for a client that waits: LISTEN once, notify only when marked; see {@link PostgresWaitingFloor}. */
    LockClient waitingFloor(DataSource pool) throws SQLException {
        if (kind != Kind.POSTGRESQL) {
            throw new IllegalArgumentException("floor-waiting is PostgreSQL's: " + kind + " cannot notify");
        }
        return new PostgresWaitingFloor(pool);
    }

    @Override
    public void close() {
        drop.run();
    }
}
