package dev.distlock.zookeeper.safety;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.curator.test.InstanceSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.distlock.testsupport.FaultProxy;
import dev.distlock.testsupport.ZooKeeperServerFixture;
import dev.distlock.testsupport.safety.BackendSafetyScenarios;
import dev.distlock.testsupport.safety.BackendSpec;
import dev.distlock.testsupport.safety.NodeFault;
import dev.distlock.testsupport.safety.SafetyHarness;
import dev.distlock.testsupport.safety.Scenario;

/**
 * The safety harness on a 3-server ZooKeeper ensemble (Curator's test servers in this JVM, reached
 * by the clients over TCP); client 0 reaches server 0 only, through a fault proxy. The clients keep
 * the default session timeout: the backend opens a session for the 2 s lease with that lease as its
 * timeout, and a killed holder's key must be granted again within lease + 1 s. The connection
 * timeout (500 ms) is under a third of the lease, so that a check against a cut link fails before
 * the lease could run out.
 */
class ZooKeeperSafetyIT extends BackendSafetyScenarios {

    private static final Duration LEASE = Duration.ofSeconds(2);

    private static ZooKeeperServerFixture ensemble;
    private static FaultProxy proxy;
    private static SafetyHarness harness;

    @BeforeAll
    static void start() {
        ensemble = ZooKeeperServerFixture.cluster(3);
        List<String> servers = List.of(ensemble.connectString().split(","));
        proxy = FaultProxy.to(Integer.parseInt(servers.get(0).substring(servers.get(0).lastIndexOf(':') + 1)));
        harness = SafetyHarness.builder("zookeeper (3 servers)", ZooKeeperSafetyBackends.class,
                client -> BackendSpec.of("zookeeper", Map.of(
                        "connectString", client == 0 ? "127.0.0.1:" + proxy.port() : ensemble.connectString(),
                        "connectionTimeout", Duration.ofMillis(500).toString())))
                .lease(LEASE)
                .waitFor(LEASE.multipliedBy(2))
                .build();
    }

    @AfterAll
    static void stop() {
        proxy.close();
        ensemble.close();
    }

    @Override
    protected SafetyHarness harness() {
        return harness;
    }

    @Override
    protected Optional<Scenario> connectionCut() {
        return Optional.of(Scenario.cutConnection(proxy));
    }

    /** One server at a time. */
    @Override
    protected Optional<NodeFault> nodeToRestart() {
        return Optional.of(new NodeFault() {
            private int next;
            private InstanceSpec killed;

            @Override
            public String describe() {
                return "1 of 3 zookeeper servers, crash";
            }

            @Override
            public void down() {
                killed = ensemble.killServer(next++ % 3);
            }

            @Override
            public void up() {
                ensemble.restart(killed);
            }
        });
    }
}
