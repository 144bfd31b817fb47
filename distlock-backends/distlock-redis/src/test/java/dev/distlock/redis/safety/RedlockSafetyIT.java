package dev.distlock.redis.safety;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.distlock.testsupport.RedisServerFixture;
import dev.distlock.testsupport.safety.BackendSpec;
import dev.distlock.testsupport.safety.NodeFault;
import dev.distlock.testsupport.safety.SafetyHarness;
import dev.distlock.testsupport.safety.SafetyReport;
import dev.distlock.testsupport.safety.Scenario;

/**
 * The safety harness on Redlock over three redis-server nodes without persistence. One node
 * restarted at a time is safe: every majority still shares a node that remembers the holder and the
 * fence. Two faults together are not: see {@link RedlockRestartWithoutPersistenceIT}.
 */
class RedlockSafetyIT {

    private static final List<RedisServerFixture> nodes = new ArrayList<>();
    private static SafetyHarness harness;

    @BeforeAll
    static void start() {
        for (int i = 0; i < 3; i++) {
            nodes.add(RedisServerFixture.start());
        }
        String uris = nodes.stream().map(RedisServerFixture::uri).collect(Collectors.joining(","));
        harness = SafetyHarness.builder("redlock (3 nodes)", RedisSafetyBackends.class,
                client -> BackendSpec.of("redlock", Map.of("nodes", uris))).build();
    }

    @AfterAll
    static void stop() {
        System.out.println(SafetyReport.table());
        nodes.forEach(RedisServerFixture::close);
    }

    @Test
    void killedHolderFreesItsKeyWithinTheLease() {
        harness.run(Scenario.killHolder());
    }

    @Test
    void pausedHolderFindsItsLeaseLostAndItsLateWriteRejected() {
        harness.run(Scenario.pauseHolder());
    }

    @Test
    void aNodeKilledAndRestartedWithoutPersistenceKeepsLocksExclusive() {
        harness.run(Scenario.nodeRestart(new NodeFault() {
            private int next;
            private RedisServerFixture node;

            @Override
            public String describe() {
                return "1 of 3 redis nodes, kill -9, no persistence";
            }

            @Override
            public void down() {
                node = nodes.get(next++ % nodes.size());
                node.kill();
            }

            @Override
            public void up() {
                node.restart();
            }
        }));
    }
}
