package dev.distlock.testsupport.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A run in progress, as a {@link Scenario.Fault} sees it: the client processes, the shared history,
 * and the waits a fault needs (each bounded, each on a condition of the history).
 */
public final class SafetyRun implements AutoCloseable {

    private static final Duration HISTORY_POLL = Duration.ofMillis(25);

    private final SafetyStore store;
    private final List<ClientProcess> clients;
    private final IntFunction<ClientOptions> optionsOfSlot;
    private final Duration lease;
    private final Duration faultWindow;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "safety-fault-timer");
        thread.setDaemon(true);
        return thread;
    });
    private int victims;
    private int replacements;

    SafetyRun(SafetyStore store, List<ClientProcess> clients, IntFunction<ClientOptions> optionsOfSlot,
              Duration lease, Duration faultWindow) {
        this.store = store;
        this.clients = clients;
        this.optionsOfSlot = optionsOfSlot;
        this.lease = lease;
        this.faultWindow = faultWindow;
    }

    public ClientProcess client(int slot) {
        return clients.get(slot);
    }

    public int clientCount() {
        return clients.size();
    }

    public Duration lease() {
        return lease;
    }

    /** How long a client may take to be granted a key and announce itself. */
    public Duration lingerBound() {
        return Duration.ofSeconds(30).plus(lease.multipliedBy(4));
    }

    /** The slot to strike next: each client in turn. */
    public int nextVictim() {
        return victims++ % clients.size();
    }

    /** Starts a fresh client JVM in {@code slot} (after a kill), under a new process name. */
    public void replace(int slot) {
        clients.get(slot).close();
        ClientOptions options = optionsOfSlot.apply(slot);
        ClientOptions renamed = new ClientOptions(options.process() + "r" + (++replacements), options.factory(),
                options.backend(), options.databaseUrl(), options.databaseUser(), options.keys(), options.lease(),
                options.waitFor(), options.work(), options.clockSkew());
        ClientProcess fresh = ClientProcess.start(renamed);
        clients.set(slot, fresh);
        fresh.begin();
    }

    /** Records a fault in the history, stamped by the database before it is injected. */
    public void fault(String what, ClientProcess.Holding holding) {
        if (holding == null) {
            store.record("harness", null, null, null, "FAULT", what);
        } else {
            store.record(holding.process(), holding.key(), holding.acquisition(), holding.token(), "FAULT", what);
        }
    }

    /** Parameter: kind. */
    static final String COUNT_KIND = "SELECT count(*) FROM safety_history WHERE kind = ?";

    /** Parameter: acquisition. When the latest fault struck it. */
    private static final String STRUCK = "(SELECT max(at) FROM safety_history WHERE kind = 'FAULT' AND acquisition = ?)";

    /** Parameters: key, acquisition, acquisition. The first token granted for the key to another acquisition after it was struck. */
    static final String NEXT_GRANT_AFTER_FAULT = """
            SELECT token FROM safety_history
             WHERE kind = 'ACQUIRED' AND lock_key = ? AND acquisition <> ? AND at > """ + STRUCK + """
             ORDER BY at, id LIMIT 1""";

    /** Parameters: key, token. Accepted writes of the key with a higher token. */
    static final String HIGHER_WRITES = """
            SELECT count(*) FROM safety_history
             WHERE kind = 'WRITE' AND accepted AND lock_key = ? AND token > ?""";

    /** Parameters: acquisition, lease in seconds. 1 once a lease has passed since the acquisition was struck. */
    static final String LEASE_PASSED_SINCE_FAULT =
            "SELECT CASE WHEN clock_timestamp() >= " + STRUCK + " + make_interval(secs => ?) THEN 1 ELSE 0 END";

    /** Parameters: kind, acquisition. */
    static final String COUNT_OF_ACQUISITION = "SELECT count(*) FROM safety_history WHERE kind = ? AND acquisition = ?";

    /**
     * Parameters: key, acquisition, acquisition, acquisition. Grants of the key to others after the
     * acquisition's own grant and before its write (or now).
     */
    static final String GRANTS_TO_OTHERS_WHILE_HELD = """
            SELECT count(*) FROM safety_history
             WHERE kind = 'ACQUIRED' AND lock_key = ? AND acquisition <> ?
               AND at > (SELECT min(at) FROM safety_history WHERE kind = 'ACQUIRED' AND acquisition = ?)
               AND at < coalesce((SELECT min(at) FROM safety_history WHERE kind = 'WRITE' AND acquisition = ?), 'infinity')""";

    /** Waits until {@code more} further grants were recorded. */
    public void awaitAcquisitions(int more) {
        long target = count("ACQUIRED") + more;
        await(more + " more grants", Duration.ofSeconds(60), () -> count("ACQUIRED") >= target);
    }

    /** Waits until the key of {@code holding} was granted to another acquisition after it was struck. */
    public void awaitGrantToOther(ClientProcess.Holding holding) {
        await("a grant of " + holding.key() + " after " + holding.acquisition() + " was struck",
                lease.plus(Duration.ofSeconds(30)), () -> nextGrantAfterFault(holding) != Long.MIN_VALUE);
    }

    /**
     * Waits until a lease has passed since {@code holding} was struck and another client has written
     * its key with a higher token; then checks that the next grant of the key had a higher token.
     */
    public void awaitSupersededAfterLease(ClientProcess.Holding holding) {
        double leaseSeconds = lease.toNanos() / 1e9;
        await("a lease past " + holding.acquisition() + " and a write of " + holding.key() + " with a higher token",
                lease.plus(Duration.ofSeconds(60)),
                () -> store.number(LEASE_PASSED_SINCE_FAULT, holding.acquisition(), leaseSeconds) == 1
                        && store.number(HIGHER_WRITES, holding.key(), holding.token()) > 0);
        assertThat(nextGrantAfterFault(holding)).as("token of the next holder of %s after %s", holding.key(), holding)
                .isGreaterThan(holding.token());
    }

    /** Waits until the client of {@code holding} recorded the loss of that lease. */
    public void awaitLeaseLost(ClientProcess.Holding holding) {
        await("the engine of " + holding.process() + " reporting " + holding.acquisition() + " lost",
                lease.plus(Duration.ofSeconds(30)),
                () -> store.number(COUNT_OF_ACQUISITION, "LOST", holding.acquisition()) > 0);
    }

    /** Renewals of {@code holding} that failed or were refused. */
    public long renewalFailures(ClientProcess.Holding holding) {
        return store.number(COUNT_OF_ACQUISITION, "RENEW_FAILED", holding.acquisition());
    }

    /** Grants of the key of {@code holding} to other acquisitions between its grant and its write. */
    public long grantsToOthersSince(ClientProcess.Holding holding) {
        return store.number(GRANTS_TO_OTHERS_WHILE_HELD, holding.key(), holding.acquisition(), holding.acquisition(),
                holding.acquisition());
    }

    private long nextGrantAfterFault(ClientProcess.Holding holding) {
        return store.number(NEXT_GRANT_AFTER_FAULT, holding.key(), holding.acquisition(), holding.acquisition());
    }

    /** Keeps a fault in place for the run's fault window (a deliberate duration, not a wait for a condition). */
    public void holdFault() {
        holdFor(faultWindow);
    }

    /** Lets {@code duration} pass, by a timer that ends it: a fault's deliberate length. */
    public void holdFor(Duration duration) {
        CountDownLatch over = new CountDownLatch(1);
        timer.schedule(over::countDown, duration.toNanos(), TimeUnit.NANOSECONDS);
        try {
            assertThat(over.await(duration.toMillis() + 10_000, TimeUnit.MILLISECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted during a fault", e);
        }
    }

    List<HistoryRow> history() {
        return store.history();
    }

    long count(String kind) {
        return store.number(COUNT_KIND, kind);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private void await(String what, Duration atMost, java.util.concurrent.Callable<Boolean> condition) {
        try {
            Awaitility.await(what).atMost(atMost).pollInterval(HISTORY_POLL).until(condition);
        } catch (ConditionTimeoutException e) {
            StringBuilder transcripts = new StringBuilder();
            for (ClientProcess client : clients) {
                transcripts.append("\n--- ").append(client.name()).append(" ---\n").append(tail(client.transcript()));
                if (Boolean.getBoolean("safety.threadDumps")) {
                    transcripts.append("\n--- threads of ").append(client.name()).append(" ---\n").append(client.threadDump());
                }
            }
            throw new AssertionError("Timed out waiting for " + what + transcripts, e);
        }
    }

    private static String tail(String transcript) {
        return transcript.length() <= 4000 ? transcript : "..." + transcript.substring(transcript.length() - 4000);
    }
}
