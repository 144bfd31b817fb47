package dev.distlock.fencing.jdbc;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Guarded updates: each one writes only the rows whose fence column is not newer than the writer's
 * fencing token, and stamps the token on the rows it writes, in one statement. A write that found its
 * rows already written under a newer token raises {@link dev.distlock.StaleLockTokenException}.
 *
 * <pre>{@code
 * @DistributedLock(key = "#order.id")
 * @Transactional
 * public void ship(Order order) {
 *     fenced.update("orders")
 *           .set("status = ?", "SHIPPED")
 *           .where("id = ?", order.id())
 *           .execute(); // UPDATE orders SET status = ?, fence_token = ? WHERE (id = ?) AND fence_token <= ?
 * }
 * }</pre>
 *
 * <p>The token is the current thread's lease ({@code LockContext}) unless one is passed with
 * {@link FencedUpdate#token}. Statements run through a {@link JdbcClient}, so inside a Spring
 * transaction they use its connection and commit or roll back with it. The fence column is a
 * {@code BIGINT NOT NULL DEFAULT 0} (see docs/fencing.md for each database's DDL).
 */
public final class FencedJdbc {

    /** The fence column unless {@link #withFenceColumn(String)} names another. */
    public static final String DEFAULT_FENCE_COLUMN = "fence_token";

    private final JdbcClient jdbc;
    private final String fenceColumn;

    private FencedJdbc(JdbcClient jdbc, String fenceColumn) {
        this.jdbc = jdbc;
        this.fenceColumn = SqlIdentifiers.check(fenceColumn, "Fence column");
    }

    public FencedJdbc(JdbcClient jdbc) {
        this(jdbc, DEFAULT_FENCE_COLUMN);
    }

    public FencedJdbc(JdbcTemplate jdbcTemplate) {
        this(JdbcClient.create(jdbcTemplate));
    }

    public FencedJdbc(DataSource dataSource) {
        this(JdbcClient.create(dataSource));
    }

    /** The same helper with the token kept in {@code column} instead of {@value #DEFAULT_FENCE_COLUMN}. */
    public FencedJdbc withFenceColumn(String column) {
        return new FencedJdbc(jdbc, column);
    }

    public String fenceColumn() {
        return fenceColumn;
    }

    /** Starts a guarded update of {@code table}; nothing is sent before {@link FencedUpdate#execute()}. */
    public FencedUpdate update(String table) {
        return new FencedUpdate(jdbc, SqlIdentifiers.check(table, "Table"), fenceColumn);
    }
}
