package dev.distlock.redis.safety;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.distlock.testsupport.RedisServerFixture;
import dev.distlock.testsupport.safety.BackendSafetyScenarios;
import dev.distlock.testsupport.safety.BackendSpec;
import dev.distlock.testsupport.safety.NodeFault;
import dev.distlock.testsupport.safety.SafetyHarness;

/**
 * The safety harness on Redlock over three redis-server nodes without persistence. One node
 * restarted at a time is safe: every majority still shares a node that remembers the holder and the
 * fence. Two faults together are not: see {@link RedlockRestartWithoutPersistenceIT}.
 */
class RedlockSafetyIT extends BackendSafetyScenarios {

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
        nodes.forEach(RedisServerFixture::close);
    }

    @Override
    protected SafetyHarness harness() {
        return harness;
    }

    /** One node at a time, without persistence. */
    @Override
    protected Optional<NodeFault> nodeToRestart() {
        return Optional.of(new NodeFault() {
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
        });
    }
}
