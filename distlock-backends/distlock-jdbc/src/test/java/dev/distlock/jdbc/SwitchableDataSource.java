package dev.distlock.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.AbstractDataSource;

/**
 * Hands out connections of whichever DataSource it points to now: the way to model a failover, after
 * which connections already open stay on the old path while new ones reach the new one.
 */
final class SwitchableDataSource extends AbstractDataSource {

    private final AtomicReference<DataSource> target;

    SwitchableDataSource(DataSource initial) {
        this.target = new AtomicReference<>(initial);
    }

    void switchTo(DataSource next) {
        target.set(next);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return target.get().getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return target.get().getConnection(username, password);
    }
}
