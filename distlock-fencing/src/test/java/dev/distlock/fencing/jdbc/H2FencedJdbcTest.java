package dev.distlock.fencing.jdbc;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/** {@link FencedJdbc} on H2, in memory. */
class H2FencedJdbcTest extends FencedJdbcContract {

    private static final DataSource H2 = new SimpleDriverDataSource(new org.h2.Driver(),
            "jdbc:h2:mem:fenced-jdbc;DB_CLOSE_DELAY=-1");

    @Override
    protected DataSource dataSource() {
        return H2;
    }

    /** docs/fencing.md, H2. */
    @Override
    protected String addFenceColumnSql() {
        return "ALTER TABLE accounts ADD COLUMN fence_token BIGINT NOT NULL DEFAULT 0";
    }
}
