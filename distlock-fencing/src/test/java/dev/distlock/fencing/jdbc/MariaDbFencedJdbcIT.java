package dev.distlock.fencing.jdbc;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import dev.distlock.testsupport.MariaDbTestDatabase;

/** {@link FencedJdbc} on the machine's MariaDB, in a database of its own. */
class MariaDbFencedJdbcIT extends FencedJdbcContract {

    private static MariaDbTestDatabase database;
    private static DataSource dataSource;

    @BeforeAll
    static void createDatabase() {
        database = MariaDbTestDatabase.create("fenced_jdbc");
        dataSource = new SimpleDriverDataSource(new org.mariadb.jdbc.Driver(), database.jdbcUrl(), database.user(),
                database.password());
    }

    @AfterAll
    static void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }

    @Override
    protected DataSource dataSource() {
        return dataSource;
    }

    /** docs/fencing.md, MariaDB and MySQL. */
    @Override
    protected String addFenceColumnSql() {
        return "ALTER TABLE accounts ADD COLUMN fence_token BIGINT NOT NULL DEFAULT 0";
    }
}
