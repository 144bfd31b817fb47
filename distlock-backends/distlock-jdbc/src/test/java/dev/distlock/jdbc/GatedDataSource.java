package dev.distlock.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.AbstractDataSource;

/**
 * Hands out the connections of a DataSource, except that while {@link #hold()} is in force every
 * {@code getConnection} waits until {@link #release()}: a pool that is slow to give one, at a moment
 * a test chooses.
 */
final class GatedDataSource extends AbstractDataSource {

    private final DataSource target;
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(0);

    GatedDataSource(DataSource target) {
        this.target = target;
    }

    void hold() {
        gate = new CountDownLatch(1);
    }

    void release() {
        gate.countDown();
    }

    /** How many calls wait at the gate now. */
    int waiting() {
        return waiting.get();
    }

    @Override
    public Connection getConnection() throws SQLException {
        waiting.incrementAndGet();
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted at the gate", e);
        } finally {
            waiting.decrementAndGet();
        }
        return target.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLException("not used");
    }
}
