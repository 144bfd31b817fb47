package dev.distlock.shedlock;

import com.zaxxer.hikari.HikariDataSource;

import dev.distlock.testsupport.PostgresTestDatabase;

/** A small connection pool on a test database. */
final class Pools {

    private Pools() {
    }

    static HikariDataSource of(PostgresTestDatabase database) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(database.jdbcUrl());
        pool.setUsername(database.user());
        pool.setPassword(database.password());
        pool.setMaximumPoolSize(12);
        return pool;
    }
}
