package dev.distlock.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.opentest4j.TestAbortedException;

import dev.distlock.inmemory.InMemoryLockBackend;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.BackendCapabilities;
import dev.distlock.spi.BackendCapabilities.FencingStrength;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.LockBackend;

/** The contract's capability tests: skipped where not claimed, run where claimed, and never skipped where claimed. */
class CapabilityGateTest {

    private static final String FAIR_TEST = "fairBackendsGrantInRequestOrder";
    private static final String NOTIFICATION_TEST = "waiterIsWokenByReleaseWithoutPolling";

    @Test
    void aBackendThatClaimsFairnessButWhoseFairnessTestAbortsFailsItsClass() {
        EngineExecutionResults results = run(selectMethod(ClaimsFairnessButCannotShowIt.class, FAIR_TEST));

        results.testEvents().assertStatistics(stats -> stats.started(1).aborted(1).succeeded(0));
        results.containerEvents().assertThatEvents().haveExactly(1, event(container(ClaimsFairnessButCannotShowIt.class),
                finishedWithFailure(instanceOf(AssertionError.class),
                        message(text -> text.contains(FAIR_TEST + " proves FAIR, which the backend claims")))));
    }

    @Test
    void theCapabilityTestsOfABackendThatClaimsNoneShowAsSkippedAndItsClassPasses() {
        EngineExecutionResults results = run(selectMethod(ClaimsNothing.class, FAIR_TEST),
                selectMethod(ClaimsNothing.class, NOTIFICATION_TEST));

        results.testEvents().assertStatistics(stats -> stats.skipped(2).started(0));
        results.containerEvents().assertStatistics(stats -> stats.failed(0));
        assertThat(results.testEvents().skipped().stream().map(event -> event.getPayload(String.class).orElseThrow()))
                .containsExactlyInAnyOrder("the backend does not claim FAIR (capabilities().fair())",
                        "the backend does not claim RELEASE_NOTIFICATIONS (implements ReleaseNotifications)");
    }

    @Test
    void theCapabilityTestsOfABackendThatClaimsThemRun() {
        String contract = "dev.distlock.inmemory.InMemoryLockBackendContractTest#";
        EngineExecutionResults results = run(selectMethod(contract + FAIR_TEST), selectMethod(contract + NOTIFICATION_TEST));

        results.testEvents().assertStatistics(stats -> stats.started(2).succeeded(2).skipped(0));
        results.containerEvents().assertStatistics(stats -> stats.failed(0));
    }

    private static EngineExecutionResults run(DiscoverySelector... selectors) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectors).execute();
    }

    /** Claims fair grants, but its fair requests end in an assumption that fails, as a missing fixture's would. */
    static class ClaimsFairnessButCannotShowIt extends LockBackendContract {

        private final InMemoryLockBackend store = new InMemoryLockBackend();

        @Override
        protected LockBackend newBackend() {
            return new Claiming(store, true) {
                @Override
                public AcquireResult tryAcquire(AcquireRequest request) {
                    if (request.fair()) {
                        throw new TestAbortedException("no fair queue on this machine");
                    }
                    return super.tryAcquire(request);
                }
            };
        }
    }

    /** Neither fair nor notifying: both capability tests have nothing to prove. */
    static class ClaimsNothing extends LockBackendContract {

        private final InMemoryLockBackend store = new InMemoryLockBackend();

        @Override
        protected LockBackend newBackend() {
            return new Claiming(store, false);
        }
    }

    /** The in-memory store behind a backend that claims what it is told and implements no ReleaseNotifications. */
    private static class Claiming implements LockBackend {

        private final InMemoryLockBackend store;
        private final BackendCapabilities capabilities;

        Claiming(InMemoryLockBackend store, boolean fair) {
            this.store = store;
            this.capabilities = new BackendCapabilities(fair, FencingStrength.LOCAL);
        }

        @Override
        public String name() {
            return "claiming";
        }

        @Override
        public BackendCapabilities capabilities() {
            return capabilities;
        }

        @Override
        public AcquireResult tryAcquire(AcquireRequest request) {
            return store.tryAcquire(request);
        }

        @Override
        public boolean renew(String key, String owner, Duration ttl) {
            return store.renew(key, owner, ttl);
        }

        @Override
        public boolean release(String key, String owner) {
            return store.release(key, owner);
        }

        @Override
        public void withdraw(String key, String owner) {
            store.withdraw(key, owner);
        }

        @Override
        public BackendHealth health() {
            return store.health();
        }
    }
}
