package dev.distlock.benchmarks.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.postgresql.PGConnection;

import dev.distlock.benchmarks.support.LockClient;

/**
 * The PostgreSQL floor for a client that waits ({@code floor-waiting}): {@link PostgresFloor}'s
 * attempt, with distlock's waiting guarantees in the fewest round trips and no thread of its own.
 * One connection LISTENs once, at the start, and also holds the waiter's mark (a shared advisory
 * lock, as distlock's PostgresWaiterMarks takes it); the release is one statement that deletes the
 * row and sends {@code pg_notify} only when it cannot take that lock exclusively (someone waits).
 * The waiter: an attempt; when denied, the mark and an attempt (a release before the mark is seen
 * by it); then it blocks in {@code getNotifications} on the listening socket itself, and asks again
 * on each notification (at most a second apart, for a lost one). It gives its mark up in its
 * release, before the delete, off the hand-off's measured path. What it leaves out of distlock's:
 * the engine's thread hand-offs (listener thread, waiter registry, store-call executor), the
 * listener's probe and reconnect, and the denied attempt's time left.
 */
final class PostgresWaitingFloor implements LockClient {

    private static final String CHANNEL = "bench_floor";
    private static final int MARK_CLASS = 4242;

    /** Params: 1 key, 2 owner, 3 mark class, 4 mark id. Deletes the owner's row, notifies only when marked. */
    static final String RELEASE_AND_NOTIFY = """
            DELETE FROM bench_floor WHERE key_hash = ? AND owner = ? AND expires_at > now()
            RETURNING CASE WHEN pg_try_advisory_xact_lock(?, ?) THEN 0
                           ELSE (SELECT 1 FROM pg_notify('bench_floor', key_hash)) END
            """;

    private final DataSource pool;
    private final PostgresFloor attempts;
    private final Connection listening;
    private final PGConnection notifications;

    PostgresWaitingFloor(DataSource pool) throws SQLException {
        this.pool = pool;
        this.attempts = new PostgresFloor(pool);
        this.listening = pool.getConnection();
        listening.setAutoCommit(true);
        try (Statement statement = listening.createStatement()) {
            statement.execute("LISTEN " + CHANNEL);
        }
        this.notifications = listening.unwrap(PGConnection.class);
    }

    @Override
    public Held acquire(String key) {
        try {
            if (tryOnce(key)) {
                return () -> release(key, false);
            }
            advisory("SELECT pg_advisory_lock_shared(?, ?)", key);
            while (!tryOnce(key)) {
                notifications.getNotifications(1000); // blocks until a notification arrives (or a second)
            }
            return () -> release(key, true);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean tryOnce(String key) throws SQLException {
        try (Connection connection = pool.getConnection()) {
            attempts.grant(connection, key);
            return true;
        } catch (NotGranted held) {
            return false;
        }
    }

    private void release(String key, boolean marked) {
        try {
            if (marked) {
                advisory("SELECT pg_advisory_unlock_shared(?, ?)", key);
            }
            try (Connection connection = pool.getConnection();
                 PreparedStatement statement = connection.prepareStatement(RELEASE_AND_NOTIFY)) {
                statement.setString(1, key);
                statement.setString(2, attempts.owner);
                statement.setInt(3, MARK_CLASS);
                statement.setInt(4, key.hashCode());
                statement.executeQuery().close();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void advisory(String sql, String key) throws SQLException {
        try (PreparedStatement statement = listening.prepareStatement(sql)) {
            statement.setInt(1, MARK_CLASS);
            statement.setInt(2, key.hashCode());
            try (ResultSet ignored = statement.executeQuery()) {
                // the lock call's answer is void or true
            }
        }
    }

    @Override
    public void close() {
        try {
            listening.close();
        } catch (SQLException ignored) {
            // the bench drops its database
        }
    }
}
