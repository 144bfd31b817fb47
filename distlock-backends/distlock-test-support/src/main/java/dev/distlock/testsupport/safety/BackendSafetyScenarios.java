package dev.distlock.testsupport.safety;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The safety scenarios every backend goes through, as {@code LockBackendContract} is the contract:
 * a backend's test extends this class, starts its store and builds its {@link SafetyHarness} in a
 * {@code @BeforeAll}, and hands them over through {@link #harness()} and the fault hooks. A fault
 * its fixture cannot inject shows as skipped, with the reason, never as passed.
 */
public abstract class BackendSafetyScenarios {

    /** The harness on this class's store; built once, in the subclass's {@code @BeforeAll}. */
    protected abstract SafetyHarness harness();

    /**
     * Client 0's connection cut while it holds a key: {@link Scenario#cutConnection} where the
     * store's client signals the loss, {@link Scenario#cutConnectionRenewalsFail} where only a
     * renewal shows it; empty where no fault proxy stands between client 0 and the store.
     */
    protected Optional<Scenario> connectionCut() {
        return Optional.empty();
    }

    /** A node of the store to kill and restart while the clients work; empty where the store is one node. */
    protected Optional<NodeFault> nodeToRestart() {
        return Optional.empty();
    }

    @AfterAll
    static void printReport() {
        System.out.println(SafetyReport.table());
    }

    @Test
    void killedHolderFreesItsKeyWithinTheLease() {
        harness().run(Scenario.killHolder());
    }

    @Test
    void pausedHolderFindsItsLeaseLostAndItsLateWriteRejected() {
        harness().run(Scenario.pauseHolder());
    }

    /** The cut holder's lease is reported lost, the next holder has a higher token, its late write is rejected. */
    @Test
    void holderCutFromTheStoreLosesItsLeaseAndItsLateWriteIsRejected() {
        Optional<Scenario> cut = connectionCut();
        assumeTrue(cut.isPresent(), "no fault proxy stands between a client and the store: no connection to cut");
        harness().run(cut.get());
    }

    @Test
    void aNodeOfTheStoreKilledAndRestartedKeepsLocksExclusive() {
        Optional<NodeFault> node = nodeToRestart();
        assumeTrue(node.isPresent(), "the store is one node: no node to restart while another serves");
        harness().run(Scenario.nodeRestart(node.get()));
    }
}
