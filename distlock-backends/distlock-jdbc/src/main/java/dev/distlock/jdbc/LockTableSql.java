package dev.distlock.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.ReleaseOutcome;
import dev.distlock.spi.RenewRequest;

/**
 * The statements of one dialect on one lock table, and how an acquisition is run with them.
 *
 * <p>Rules every dialect keeps:
 * <ul>
 *   <li>Every time is the database's ({@code now()}, {@code UTC_TIMESTAMP(3)}, {@code CURRENT_TIMESTAMP});
 *       the client only ever sends durations in milliseconds, never a point in time.</li>
 *   <li>A key is free when it has no row or {@code expires_at <= <database now>}.</li>
 *   <li>A grant is two steps, each one atomic, owner-checked statement. The claim inserts the row or
 *       takes over an expired one with {@code token = 0} ({@link #UNDRAWN}); then the token is drawn
 *       from the table's one token source (a sequence, or a counter row) and written into the row,
 *       only while it is still ours and undrawn. A holder that re-acquires (a retry after a lost
 *       reply) keeps its row and token.</li>
 *   <li>Release deletes the row, so that no state outlives a lock.</li>
 *   <li>Renew and release match {@code owner}, and only while the lease has not run out.</li>
 * </ul>
 * Why tokens still grow per key without a per-key counter: a grant draws its token after its claim,
 * and its claim came after the previous holder's row was deleted or expired, so after that
 * holder drew (a holder whose draw came later finds the row no longer its own, and is denied).
 * Draws from one source grow, so the later grant's token is the larger one.
 * Statements are templates with {@code {table}} replaced by the validated table name and
 * {@code {tokens}} by the token source's name, {@link #tokenSourceName}.
 */
abstract class LockTableSql {

    /** The token of a claimed row until its token is drawn; drawn tokens start at 1. */
    static final long UNDRAWN = 0;

    /**
     * Leases per batch renewal statement, three parameters each (its key, and its key and owner): 300,
     * far below every driver's and server's limit (SQL Server's 2,100 is the lowest), and a statement
     * text the server parses in well under a millisecond.
     */
    static final int RENEW_CHUNK = 100;

    protected final String table;
    protected final String tokens;
    private final int timeoutSeconds;
    private final String renewSql;
    private final String releaseSql;
    private final String stateSql;
    private final String purgeSql;

    /**
     * @param renew   template of {@link #renewSql()}
     * @param release template of {@link #releaseSql()}
     * @param state   template of {@link #stateSql()}
     * @param purge   template of {@link #purgeSql()}
     */
    LockTableSql(String table, int timeoutSeconds, String renew, String release, String state, String purge) {
        this.table = table;
        this.tokens = tokenSourceName(table);
        this.timeoutSeconds = timeoutSeconds;
        this.renewSql = forTable(renew);
        this.releaseSql = forTable(release);
        this.stateSql = forTable(state);
        this.purgeSql = forTable(purge);
    }

    /** The table's token source: a sequence or a one-row table named after the lock table. */
    static String tokenSourceName(String table) {
        return table + "_tokens";
    }

    /**
     * One attempt to take the key, on an autocommit connection of our own: the claim, then, for a
     * new grant, the token.
     *
     * @param keyHash   {@link JdbcKeyLayout#hash} of the key: the primary key
     * @param key       the full key, stored for display
     * @param ttlMillis the lease, counted by the database from its own now
     */
    final AcquireResult acquire(Connection connection, String keyHash, String key, String owner, long ttlMillis)
            throws SQLException {
        AcquireResult claimed = claim(connection, keyHash, key, owner, ttlMillis);
        if (claimed instanceof AcquireResult.Granted granted && granted.fencingToken() == UNDRAWN) {
            return drawToken(connection, keyHash, owner);
        }
        return claimed;
    }

    /**
     * Inserts the key's row or takes over an expired one, with token {@link #UNDRAWN}, or extends the
     * lease of the owner that holds it (its token unchanged). Granted with the row's token, or denied.
     */
    abstract AcquireResult claim(Connection connection, String keyHash, String key, String owner, long ttlMillis)
            throws SQLException;

    /**
     * Draws the next token and writes it into the row while the row is still ours and undrawn. Denied
     * when it is not: our lease ran out and another owner took the key over. The
     * lease itself is not checked here: one that ran out meanwhile is the engine's to judge, as with
     * any grant whose reply came late.
     */
    AcquireResult drawToken(Connection connection, String keyHash, String owner) throws SQLException {
        long token = nextToken(connection);
        if (update(connection, setTokenSql(), token, keyHash, owner, UNDRAWN) == 1) {
            return AcquireResult.granted(token);
        }
        return AcquireResult.denied();
    }

    /**
     * {@link #drawToken} for a dialect whose {@code sql} draws the token and writes it into the row in
     * one statement (params 1 key_hash, 2 owner, 3 {@link #UNDRAWN}; returns the token when still ours).
     */
    final AcquireResult drawAndSetToken(Connection connection, String sql, String keyHash, String owner) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, keyHash, owner, UNDRAWN);
             ResultSet row = statement.executeQuery()) {
            return row.next() ? AcquireResult.granted(row.getLong(1)) : AcquireResult.denied();
        }
    }

    /** The next value of the token source; larger than every value drawn before it. */
    abstract long nextToken(Connection connection) throws SQLException;

    /** Statement: params 1 token, 2 key_hash, 3 owner, 4 {@link #UNDRAWN}. One row updated when still ours. */
    abstract String setTokenSql();

    /**
     * DDL that creates the token source so that its first token is {@code lastIssued + 1}: above every
     * token a table of the previous version (one counter per row) has handed out.
     */
    abstract List<String> createTokenSource(long lastIssued);

    /** Query: no params. The highest token in the table, 0 when it is empty. */
    final String maxTokenSql() {
        return "SELECT COALESCE(MAX(token), 0) FROM " + table;
    }

    /** Statement: params 1 ttl ms, 2 key_hash, 3 owner. One row updated while {@code owner} holds the key. */
    final String renewSql() {
        return renewSql;
    }

    /** Statement: params 1 key_hash, 2 owner. Deletes (or returns) one row while {@code owner} held the key. */
    final String releaseSql() {
        return releaseSql;
    }

    /**
     * Query: param 1 key_hash. Returns at most one row: owner, token, and the milliseconds the lease
     * has left by the database clock (negative when run out; SQL NULL when the dialect cannot tell).
     */
    final String stateSql() {
        return stateSql;
    }

    /**
     * Statement: param 1 idle ms. Deletes rows that expired more than that long ago (holders that never
     * released); safe for tokens, which come from the token source, not from the rows.
     */
    final String purgeSql() {
        return purgeSql;
    }

    /** The query timeout of every statement, in seconds. */
    protected final int timeoutSeconds() {
        return timeoutSeconds;
    }

    /** Milliseconds as the dialect counts them in a lease (portable SQL rounds up to seconds). */
    long leaseMillis(long ttlMillis) {
        return Math.max(0, ttlMillis);
    }

    boolean renew(Connection connection, String keyHash, String owner, long ttlMillis) throws SQLException {
        return update(connection, renewSql(), leaseMillis(ttlMillis), keyHash, owner) == 1;
    }

    /**
     * Renews a batch of leases on the caller's autocommit connection: per distinct lease length,
     * {@link #renewLeases} (one statement, or one per {@link #RENEW_CHUNK} leases). Each lease is
     * extended exactly when {@link #renew} would have extended it: its row has its key and owner and
     * has not run out by the database clock. No transaction around the statements: each is atomic
     * on its own rows, as each single renew was, and an explicit one would cost a COMMIT round trip
     * (and on MariaDB's driver two {@code SET autocommit} round trips) without making any answer truer.
     *
     * @return whether each request was extended, in the order of {@code requests}
     */
    final boolean[] renewAll(Connection connection, List<RenewRequest> requests) throws SQLException {
        List<Lease> leases = new ArrayList<>(requests.size());
        Map<Long, List<Lease>> byLength = new LinkedHashMap<>();
        for (RenewRequest request : requests) {
            Lease lease = new Lease(JdbcKeyLayout.hash(request.key()), request.owner());
            leases.add(lease);
            byLength.computeIfAbsent(leaseMillis(request.ttl().toMillis()), length -> new ArrayList<>()).add(lease);
        }
        Set<Lease> extended = new HashSet<>();
        for (Map.Entry<Long, List<Lease>> group : byLength.entrySet()) {
            extended.addAll(renewLeases(connection, group.getValue(), group.getKey()));
        }
        boolean[] answers = new boolean[leases.size()];
        for (int i = 0; i < answers.length; i++) {
            answers[i] = extended.contains(leases.get(i));
        }
        return answers;
    }

    /**
     * Extends the running leases among {@code leases}, all of one length, and returns those it
     * extended. For dialects whose UPDATE cannot return the rows it changed: per chunk,
     * {@link #renewChunkSql} updates the rows whose key and owner match and whose lease runs; when it
     * updated fewer rows than the chunk has leases, {@link #runningSql} reads which of them are ours
     * and running. That read-back names exactly the leases the update extended: an owner id belongs
     * to one grant, so a row that is ours now was ours at the update, and a lease of ours that runs
     * now ran then (only its own renewals move it). A lease extended by less than the time between
     * the two statements reads as run out, and has.
     */
    Set<Lease> renewLeases(Connection connection, List<Lease> leases, long leaseMillis) throws SQLException {
        Set<Lease> extended = new HashSet<>();
        for (int from = 0; from < leases.size(); from += RENEW_CHUNK) {
            extended.addAll(renewChunk(connection, leases.subList(from, Math.min(leases.size(), from + RENEW_CHUNK)), leaseMillis));
        }
        return extended;
    }

    /** One chunk of {@link #renewLeases}, at most {@link #RENEW_CHUNK} leases: the ones it extended. */
    Set<Lease> renewChunk(Connection connection, List<Lease> chunk, long leaseMillis) throws SQLException {
        // One row per distinct (key, owner): as many rows as leases means every lease was extended.
        if (update(connection, renewChunkSql().forCount(chunk.size()), chunkParams(leaseMillis, chunk)) == chunk.size()) {
            return new HashSet<>(chunk);
        }
        return running(connection, chunk);
    }

    private Set<Lease> running(Connection connection, List<Lease> chunk) throws SQLException {
        Object[] keys = chunk.stream().map(Lease::keyHash).toArray();
        Set<Lease> running = leasesIn(connection, runningSql().forCount(keys.length), keys);
        running.retainAll(chunk); // other owners' rows of the same keys
        return running;
    }

    /** Runs a query (or a statement that returns rows) whose first two columns are key_hash and owner. */
    protected final Set<Lease> leasesIn(Connection connection, String sql, Object... params) throws SQLException {
        Set<Lease> leases = new HashSet<>();
        try (PreparedStatement statement = prepare(connection, sql, params);
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                leases.add(new Lease(rows.getString(1), rows.getString(2)));
            }
        }
        return leases;
    }

    /** The params of a {@link ChunkStatements} statement: the lease, each key_hash, then each key_hash and owner. */
    static Object[] chunkParams(long leaseMillis, List<Lease> chunk) {
        int n = chunk.size();
        Object[] params = new Object[1 + 3 * n];
        params[0] = leaseMillis;
        for (int i = 0; i < n; i++) {
            Lease lease = chunk.get(i);
            params[1 + i] = lease.keyHash();
            params[1 + n + 2 * i] = lease.keyHash();
            params[2 + n + 2 * i] = lease.owner();
        }
        return params;
    }

    /**
     * Statement for {@link #renewLeases}: param 1 lease (as {@link #leaseMillis} counts it), then
     * key_hash and owner of each lease in {@code {leases}}. Updates the rows of running leases among them.
     */
    ChunkStatements renewChunkSql() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " overrides renewLeases");
    }

    /** Query for {@link #renewLeases}: the key_hash params in {@code {keys}}. Returns key_hash, owner of the running leases. */
    ChunkStatements runningSql() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " overrides renewLeases");
    }

    /** One lease of a batch renewal, by the key as the table stores it. */
    record Lease(String keyHash, String owner) {
    }

    /** Deletes the owner's row; whether anyone waited the dialect cannot tell, unless it overrides this. */
    ReleaseOutcome release(Connection connection, String keyHash, String owner) throws SQLException {
        return ReleaseOutcome.of(update(connection, releaseSql(), keyHash, owner) == 1);
    }

    int purge(Connection connection, long idleMillis) throws SQLException {
        return update(connection, purgeSql(), leaseMillis(idleMillis));
    }

    /** Query: no params. Fails when the table is missing; returns no rows. */
    String probeSql() {
        return "SELECT token FROM " + table + " WHERE 1 = 0";
    }

    /**
     * Reads who holds the key after an upsert: granted when the row is ours. Safe as a second
     * statement because only an expiry can change the owner in between, and then we report
     * "denied" for a grant we will never use.
     */
    protected AcquireResult readBack(Connection connection, String keyHash, String owner) throws SQLException {
        try (PreparedStatement statement = prepare(connection, stateSql(), keyHash);
             ResultSet row = statement.executeQuery()) {
            if (!row.next()) {
                return AcquireResult.denied();
            }
            String holder = row.getString(1);
            long token = row.getLong(2);
            if (owner.equals(holder)) {
                return AcquireResult.granted(token);
            }
            return denied(row, 3);
        }
    }

    protected static AcquireResult denied(ResultSet row, int remainingColumn) throws SQLException {
        long remaining = row.getLong(remainingColumn);
        if (row.wasNull()) {
            return AcquireResult.denied();
        }
        return AcquireResult.denied(Duration.ofMillis(Math.max(0, remaining)));
    }

    protected PreparedStatement prepare(Connection connection, String sql, Object... params) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            statement.setQueryTimeout(timeoutSeconds);
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    protected int update(Connection connection, String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, params)) {
            return statement.executeUpdate();
        }
    }

    /** The one number a query returns, such as a sequence's next value or a counter just incremented. */
    protected long queryLong(Connection connection, String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, params);
             ResultSet row = statement.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    protected final String forTable(String template) {
        return template.replace("{table}", table).replace("{tokens}", tokens);
    }
}
