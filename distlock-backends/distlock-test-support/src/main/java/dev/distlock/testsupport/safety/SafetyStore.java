package dev.distlock.testsupport.safety;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The fenced resource and the history, in one PostgreSQL database shared by every process of a run.
 *
 * <p>The resource is one row per lock key: a counter that the clients increment by read-modify-write,
 * and the highest fencing token it has seen. Both the read and the write are fenced: each is one
 * UPDATE that only applies when the caller's token is not lower than the highest seen, so a holder
 * whose lease lapsed is turned away as soon as its successor has touched the row, and two holders
 * with distinct tokens can never interleave a read-modify-write.
 *
 * <p>Every event is a history row stamped by PostgreSQL's {@code clock_timestamp()}: one clock for
 * all processes. A fenced access and its history row commit in one transaction, while the UPDATE
 * holds the row lock, so the history orders accesses to one key as the resource serialized them.
 */
final class SafetyStore implements AutoCloseable {

    static final String CREATE_RESOURCE = """
            CREATE TABLE safety_resource (
              lock_key text PRIMARY KEY,
              counter  bigint NOT NULL,
              token    bigint NOT NULL
            )""";

    /** kind: ACQUIRED, DENIED, FAILED, READ, WRITE, LOST, RENEW_FAILED, FAULT. */
    static final String CREATE_HISTORY = """
            CREATE TABLE safety_history (
              id          bigserial PRIMARY KEY,
              process     text NOT NULL,
              lock_key    text,
              acquisition text,
              token       bigint,
              kind        text NOT NULL,
              accepted    boolean,
              detail      text,
              at          timestamptz NOT NULL
            )""";

    /** Parameters: lock key. A fresh key: counter 0, no token seen (0 is below every token). */
    static final String SEED_KEY = "INSERT INTO safety_resource (lock_key, counter, token) VALUES (?, 0, 0)";

    /**
     * The fenced read. Parameters: token, lock key, token. Records the token as the highest seen and
     * returns the counter; returns no row (and changes nothing) when a higher token was seen.
     */
    static final String FENCED_READ = """
            UPDATE safety_resource SET token = ?
             WHERE lock_key = ? AND token <= ?
            RETURNING counter""";

    /**
     * The fenced write. Parameters: new counter, token, lock key, token. Updates one row, or none
     * when a higher token was seen: the check and the write are one statement.
     */
    static final String FENCED_WRITE = """
            UPDATE safety_resource SET counter = ?, token = ?
             WHERE lock_key = ? AND token <= ?""";

    /** Parameters: process, lock key, acquisition, token, kind, accepted, detail. Stamped by the database. */
    static final String RECORD = """
            INSERT INTO safety_history (process, lock_key, acquisition, token, kind, accepted, detail, at)
            VALUES (?, ?, ?, ?, ?, ?, ?, clock_timestamp())""";

    /** Every row, in the database's time order; microseconds since the epoch. */
    static final String HISTORY = """
            SELECT id, process, lock_key, acquisition, token, kind, accepted, detail,
                   (extract(epoch FROM at) * 1000000)::bigint AS micros
              FROM safety_history ORDER BY at, id""";

    static final String COUNTERS = "SELECT coalesce(sum(counter), 0) FROM safety_resource";

    private final Connection connection;

    private SafetyStore(Connection connection) {
        this.connection = connection;
    }

    static SafetyStore connect(String url, String user) {
        try {
            return new SafetyStore(DriverManager.getConnection(url, user, ""));
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot reach the safety database " + url, e);
        }
    }

    /** Creates the tables and one resource row per key. */
    synchronized void createSchema(List<String> keys) {
        try (Statement statement = connection.createStatement()) {
            statement.execute(CREATE_RESOURCE);
            statement.execute(CREATE_HISTORY);
            try (PreparedStatement seed = connection.prepareStatement(SEED_KEY)) {
                for (String key : keys) {
                    seed.setString(1, key);
                    seed.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create the safety schema", e);
        }
    }

    /** The counter, or empty when the token is stale; recorded as a READ. */
    synchronized OptionalLong fencedRead(String process, String key, String acquisition, long token) {
        return inTransaction(() -> {
            OptionalLong counter = OptionalLong.empty();
            try (PreparedStatement read = connection.prepareStatement(FENCED_READ)) {
                read.setLong(1, token);
                read.setString(2, key);
                read.setLong(3, token);
                try (ResultSet rows = read.executeQuery()) {
                    if (rows.next()) {
                        counter = OptionalLong.of(rows.getLong(1));
                    }
                }
            }
            insert(process, key, acquisition, token, "READ", counter.isPresent(), null);
            return counter;
        });
    }

    /** Writes {@code counter} under {@code token}; false when the token is stale. Recorded as a WRITE. */
    synchronized boolean fencedWrite(String process, String key, String acquisition, long token, long counter, String detail) {
        return inTransaction(() -> {
            boolean accepted;
            try (PreparedStatement write = connection.prepareStatement(FENCED_WRITE)) {
                write.setLong(1, counter);
                write.setLong(2, token);
                write.setString(3, key);
                write.setLong(4, token);
                accepted = write.executeUpdate() == 1;
            }
            insert(process, key, acquisition, token, "WRITE", accepted, detail);
            return accepted;
        });
    }

    /** One history row; {@code key}, {@code acquisition}, {@code token}, {@code detail} may be null. */
    synchronized void record(String process, String key, String acquisition, Long token, String kind, String detail) {
        inTransaction(() -> {
            insert(process, key, acquisition, token, kind, null, detail);
            return null;
        });
    }

    synchronized List<HistoryRow> history() {
        List<HistoryRow> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(HISTORY)) {
            while (result.next()) {
                long token = result.getLong("token");
                Long tokenOrNull = result.wasNull() ? null : token;
                boolean accepted = result.getBoolean("accepted");
                Boolean acceptedOrNull = result.wasNull() ? null : accepted;
                rows.add(new HistoryRow(result.getLong("id"), result.getString("process"), result.getString("lock_key"),
                        result.getString("acquisition"), tokenOrNull, result.getString("kind"), acceptedOrNull,
                        result.getString("detail"), result.getLong("micros")));
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the history", e);
        }
    }

    /** The single number {@code sql} selects, e.g. a count; {@code params} bound in order. */
    synchronized long number(String sql, Object... params) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? result.getLong(1) : Long.MIN_VALUE;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not query the history: " + sql, e);
        }
    }

    /** The sum of every key's counter: what the accepted writes left behind. */
    synchronized long counterSum() {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(COUNTERS)) {
            result.next();
            return result.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the counters", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // closing is best effort
        }
    }

    private void insert(String process, String key, String acquisition, Long token, String kind, Boolean accepted,
                        String detail) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(RECORD)) {
            insert.setString(1, process);
            insert.setString(2, key);
            insert.setString(3, acquisition);
            insert.setObject(4, token, java.sql.Types.BIGINT);
            insert.setString(5, kind);
            insert.setObject(6, accepted, java.sql.Types.BOOLEAN);
            insert.setString(7, detail);
            insert.executeUpdate();
        }
    }

    private interface Work<T> {
        T run() throws SQLException;
    }

    private <T> T inTransaction(Work<T> work) {
        try {
            connection.setAutoCommit(false);
            try {
                T result = work.run();
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Safety database refused: " + e.getMessage(), e);
        }
    }
}
