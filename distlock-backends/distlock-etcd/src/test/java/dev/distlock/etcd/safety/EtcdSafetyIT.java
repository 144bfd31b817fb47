package dev.distlock.etcd.safety;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.Client;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.distlock.testsupport.EtcdClusterFixture;
import dev.distlock.testsupport.FaultProxy;
import dev.distlock.testsupport.safety.BackendSafetyScenarios;
import dev.distlock.testsupport.safety.BackendSpec;
import dev.distlock.testsupport.safety.NodeFault;
import dev.distlock.testsupport.safety.SafetyHarness;
import dev.distlock.testsupport.safety.Scenario;

/**
 * The safety harness on a 3-member etcd cluster; client 0 reaches member 0 only, through a fault
 * proxy. The request timeout (300 ms) is under a third of the 1 s lease, so that a renewal against a
 * cut link fails before the lease could run out.
 */
class EtcdSafetyIT extends BackendSafetyScenarios {

    private static EtcdClusterFixture cluster;
    private static FaultProxy proxy;
    private static SafetyHarness harness;

    @BeforeAll
    static void start() {
        cluster = EtcdClusterFixture.start(3);
        proxy = FaultProxy.to(URI.create(cluster.clientUrl(0)).getPort());
        String all = String.join(",", cluster.clientUrls());
        harness = SafetyHarness.builder("etcd (3 members)", EtcdSafetyBackends.class,
                client -> BackendSpec.of("etcd", Map.of(
                        "endpoints", client == 0 ? "http://127.0.0.1:" + proxy.port() : all,
                        "requestTimeout", Duration.ofMillis(300).toString())))
                .build();
    }

    @AfterAll
    static void stop() {
        proxy.close();
        cluster.close();
    }

    @Override
    protected SafetyHarness harness() {
        return harness;
    }

    /**
     * Issue 5, by the fault proxy: as the paused holder, the cut one finds its lease lost, its late
     * write is rejected, the next holder has a higher token.
     */
    @Override
    protected Optional<Scenario> connectionCut() {
        return Optional.of(Scenario.cutConnection(proxy));
    }

    /** The leader. */
    @Override
    protected Optional<NodeFault> nodeToRestart() {
        return Optional.of(new NodeFault() {
            private int member;

            @Override
            public String describe() {
                return "etcd leader, kill -9";
            }

            @Override
            public void down() {
                member = leaderIndex();
                cluster.kill(member);
            }

            @Override
            public void up() {
                cluster.restart(member);
            }
        });
    }

    /** The member that names itself leader. */
    private static int leaderIndex() {
        for (int i = 0; i < cluster.size(); i++) {
            try (Client client = Client.builder().endpoints(cluster.clientUrl(i)).build()) {
                var status = client.getMaintenanceClient().statusMember(cluster.clientUrl(i)).get(5, TimeUnit.SECONDS);
                if (status.getLeader() == status.getHeader().getMemberId()) {
                    return i;
                }
            } catch (Exception e) {
                // not reachable or not answering: try the next member
            }
        }
        throw new IllegalStateException("No etcd member says it is the leader");
    }
}
