package dev.distlock.fencing.jdbc;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import dev.distlock.testsupport.PostgresTestDatabase;

/** {@link FencedJdbc} on the machine's PostgreSQL, in a database of its own. */
class PostgresFencedJdbcIT extends FencedJdbcContract {

    private static PostgresTestDatabase database;
    private static DataSource dataSource;

    @BeforeAll
    static void createDatabase() {
        database = PostgresTestDatabase.create("fenced_jdbc");
        dataSource = new SimpleDriverDataSource(new org.postgresql.Driver(), database.jdbcUrl(), database.user(),
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

    /** docs/fencing.md, PostgreSQL. */
    @Override
    protected String addFenceColumnSql() {
        return "ALTER TABLE accounts ADD COLUMN fence_token bigint NOT NULL DEFAULT 0";
    }
}
