package dev.distlock.testsupport.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Objects;
import java.util.function.IntFunction;

import dev.distlock.testsupport.FaultProxy;

/**
 * A named fault, injected once per cycle of a run (one cycle in the short run, as many as fit in a
 * long one), with what it must show. Every scenario is also held to the run-wide figures
 * ({@link SafetyFigures#overlaps()}, lost updates, stale writes accepted: all zero).
 *
 * @param name           the name in the table
 * @param fault          what one cycle does
 * @param clockSkew      the clock offset handed to each client's engine, by client index
 * @param boundsRecovery whether the run asserts recovery within lease + 1 s after each crash
 */
public record Scenario(String name, Fault fault, IntFunction<Duration> clockSkew, boolean boundsRecovery) {

    /** One cycle of a fault; throws AssertionError when the system did not behave as it must. */
    @FunctionalInterface
    public interface Fault {
        void inject(SafetyRun run);
    }

    public Scenario {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fault, "fault");
        Objects.requireNonNull(clockSkew, "clockSkew");
    }

    private static final IntFunction<Duration> TRUE_CLOCKS = client -> Duration.ZERO;

    /** No fault: contention only, as a baseline. */
    public static Scenario steady() {
        return new Scenario("steady", run -> run.awaitAcquisitions(20), TRUE_CLOCKS, false);
    }

    /**
     * kill -9 of a holder frozen mid-work. Its key must be granted to another client within lease + 1 s
     * (the crash leaves the lease to run out); a fresh client JVM then takes the dead one's place.
     */
    public static Scenario killHolder() {
        return new Scenario("kill -9 holder", run -> {
            int victim = run.nextVictim();
            ClientProcess.Holding holding = run.client(victim).linger(run.lingerBound());
            run.fault("KILL", holding);
            run.client(victim).kill();
            run.awaitGrantToOther(holding);
            run.replace(victim);
        }, TRUE_CLOCKS, true);
    }

    /**
     * SIGSTOP of a holder frozen mid-work (after its read, before its write), for longer than its
     * lease and until another client has written the key with a higher token; then SIGCONT. The
     * paused holder must find its lease lost and its late write rejected, and the next holder must
     * have had a higher token.
     */
    public static Scenario pauseHolder() {
        return new Scenario("SIGSTOP holder > lease", run -> {
            int victim = run.nextVictim();
            ClientProcess client = run.client(victim);
            ClientProcess.Holding holding = client.linger(run.lingerBound());
            run.fault("PAUSE", holding);
            client.pause();
            try {
                run.awaitSupersededAfterLease(holding);
            } finally {
                client.resume();
            }
            run.fault("RESUME", holding);
            // Still holding (lingering), so its renewal runs and is refused, or the store tells it.
            run.awaitLeaseLost(holding);
            ClientProcess.LateWrite late = client.proceed(run.lingerBound());
            assertThat(late.leaseValid()).as("lease of the paused holder %s", holding).isFalse();
            assertThat(late.accepted()).as("late write of the paused holder %s", holding).isFalse();
        }, TRUE_CLOCKS, false);
    }

    /**
     * The connection of client 0, which reaches the store through {@code proxy}, is cut while it holds
     * a key mid-work. The engine must report the lease lost (by a failed renewal once the lease ran
     * out, or at once when the store's client signals the loss: etcd's watch, ZooKeeper's session),
     * another client must get the key with a higher token, and once the link is restored the cut
     * holder's late write must be rejected.
     */
    public static Scenario cutConnection(FaultProxy proxy) {
        return cut(proxy, false);
    }

    /**
     * {@link #cutConnection(FaultProxy)} for a backend that learns of a loss only by renewing (Redis,
     * JDBC): its renewals must also be seen failing.
     */
    public static Scenario cutConnectionRenewalsFail(FaultProxy proxy) {
        return cut(proxy, true);
    }

    private static Scenario cut(FaultProxy proxy, boolean renewalsMustFail) {
        return new Scenario("connection cut (holder)", run -> {
            ClientProcess client = run.client(0);
            ClientProcess.Holding holding = client.linger(run.lingerBound());
            run.fault("CUT", holding);
            proxy.cut();
            try {
                run.awaitLeaseLost(holding);
                run.awaitSupersededAfterLease(holding);
                if (renewalsMustFail) {
                    assertThat(run.renewalFailures(holding)).as("failed renewals of %s", holding).isPositive();
                }
            } finally {
                proxy.restore();
            }
            run.fault("RESTORE", holding);
            ClientProcess.LateWrite late = client.proceed(run.lingerBound());
            assertThat(late.accepted()).as("late write of the cut holder %s", holding).isFalse();
            assertThat(late.leaseValid()).as("lease of the cut holder %s", holding).isFalse();
        }, TRUE_CLOCKS, false);
    }

    /** A node of the store killed while the clients work, and restarted after the run's fault window. */
    public static Scenario nodeRestart(NodeFault node) {
        return new Scenario("node restart: " + node.describe(), run -> {
            run.fault("NODE_DOWN", null);
            node.down();
            try {
                run.holdFault();
            } finally {
                node.up();
            }
            run.fault("NODE_UP", null);
            run.awaitAcquisitions(5);
        }, TRUE_CLOCKS, false);
    }

    /**
     * Client 0's engine runs on a clock {@code ahead} of the true one, and client 2's (when there is
     * one) as far behind, while client 1 holds a key for three leases, renewing. The backend must
     * not care: the holder keeps its lease and its write is accepted, and nobody else was granted
     * the key meanwhile.
     */
    public static Scenario skewedClocks(Duration ahead) {
        IntFunction<Duration> skews = client -> client == 0 ? ahead : client == 2 ? ahead.negated() : Duration.ZERO;
        return new Scenario("clocks skewed ±" + ahead.toMinutes() + " min", run -> {
            ClientProcess client = run.client(1);
            ClientProcess.Holding holding = client.linger(run.lingerBound());
            run.fault("HOLD", holding);
            run.holdFor(run.lease().multipliedBy(3));
            ClientProcess.LateWrite late = client.proceed(run.lingerBound());
            assertThat(late.leaseValid()).as("lease of %s held through three renewals", holding).isTrue();
            assertThat(late.accepted()).as("write of %s after three leases", holding).isTrue();
            assertThat(run.grantsToOthersSince(holding)).as("grants of %s to others while held", holding.key()).isZero();
        }, skews, false);
    }
}
