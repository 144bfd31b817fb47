package dev.distlock.fencing.jdbc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.distlock.StaleLockTokenException;
import dev.distlock.fencing.FencingToken;

/**
 * One guarded update, built by {@link FencedJdbc#update(String)}: the assignments and the condition
 * are SQL with {@code ?} parameters, as the caller would write them; the fence column's assignment
 * and check are added to them.
 */
public final class FencedUpdate {

    private final JdbcClient jdbc;
    private final String table;
    private final String fenceColumn;
    private final List<String> assignments = new ArrayList<>();
    private final List<@Nullable Object> assignmentParams = new ArrayList<>();
    private @Nullable String condition;
    private final List<@Nullable Object> conditionParams = new ArrayList<>();
    private @Nullable FencingToken token;

    FencedUpdate(JdbcClient jdbc, String table, String fenceColumn) {
        this.jdbc = jdbc;
        this.table = table;
        this.fenceColumn = fenceColumn;
    }

    /** Assignments such as {@code "status = ?, amount = amount + ?"}; may be called more than once. */
    public FencedUpdate set(String assignments, @Nullable Object... params) {
        this.assignments.add(Objects.requireNonNull(assignments, "assignments"));
        this.assignmentParams.addAll(Arrays.asList(params));
        return this;
    }

    /** The rows to write, e.g. {@code "order_id = ?"}: the key the lock protects. Required. */
    public FencedUpdate where(String condition, @Nullable Object... params) {
        this.condition = Objects.requireNonNull(condition, "condition");
        this.conditionParams.clear();
        this.conditionParams.addAll(Arrays.asList(params));
        return this;
    }

    /** Writes under {@code token} instead of the current thread's lease. */
    public FencedUpdate token(FencingToken token) {
        this.token = token;
        return this;
    }

    /** {@link #token(FencingToken)} for a token passed by hand. */
    public FencedUpdate token(long token) {
        return token(FencingToken.of(token));
    }

    /**
     * Sends the update.
     *
     * @return the rows written; 0 when no row matches the condition
     * @throws StaleLockTokenException when rows match the condition but each was written under a newer token
     * @throws dev.distlock.fencing.LeaseRequiredException when no token was given and the thread holds no
     *         lock, or holds one taken with {@code fenced = true} whose lease is no longer valid
     */
    public int execute() {
        if (condition == null) {
            throw new IllegalStateException("A guarded update of " + table + " needs where(...): the rows the lock protects");
        }
        FencingToken fence = FencingToken.orCurrent(token);
        List<@Nullable Object> params = new ArrayList<>(assignmentParams);
        params.add(fence.value());
        params.addAll(conditionParams);
        params.add(fence.value());
        int written = jdbc.sql(updateSql()).params(params).update();
        if (written == 0) {
            rejectIfNewer(fence);
        }
        return written;
    }

    /** {@code UPDATE t SET <assignments>, fence = ? WHERE (<condition>) AND fence <= ?}: check and write in one statement. */
    String updateSql() {
        String set = assignments.isEmpty() ? "" : String.join(", ", assignments) + ", ";
        return "UPDATE " + table + " SET " + set + fenceColumn + " = ? WHERE (" + condition + ") AND " + fenceColumn + " <= ?";
    }

    /**
     * {@code SELECT fence FROM t WHERE (<condition>) FOR UPDATE}: a locking read, so that it sees the
     * row version the update was refused by even inside a REPEATABLE READ snapshot (MySQL/MariaDB).
     */
    String storedTokensSql() {
        return "SELECT " + fenceColumn + " FROM " + table + " WHERE (" + condition + ") FOR UPDATE";
    }

    /** Nothing written: either no row has the key, or each row with it carries a newer token. */
    private void rejectIfNewer(FencingToken fence) {
        List<Long> stored = jdbc.sql(storedTokensSql()).params(conditionParams).query(Long.class).list();
        long newest = stored.stream().filter(Objects::nonNull).mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE);
        if (newest > fence.value()) {
            throw new StaleLockTokenException(describeRows(), fence.value(), newest, fence.lockKey());
        }
    }

    private String describeRows() {
        return table + " WHERE " + condition + (conditionParams.isEmpty() ? "" : " " + conditionParams);
    }
}
