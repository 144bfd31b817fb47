package dev.distlock.redis.safety;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.distlock.testsupport.FaultProxy;
import dev.distlock.testsupport.RedisServerFixture;
import dev.distlock.testsupport.safety.BackendSafetyScenarios;
import dev.distlock.testsupport.safety.BackendSpec;
import dev.distlock.testsupport.safety.SafetyHarness;
import dev.distlock.testsupport.safety.Scenario;

/**
 * The safety harness on single-mode Redis: three client JVMs on one redis-server, client 0 through a
 * fault proxy. The command timeout (spring.data.redis.timeout) is 250 ms, under a third of the
 * 1 s lease, so that a renewal against a cut link fails before the lease could run out.
 */
class RedisSafetyIT extends BackendSafetyScenarios {

    private static RedisServerFixture server;
    private static FaultProxy proxy;
    private static SafetyHarness harness;

    @BeforeAll
    static void start() {
        server = RedisServerFixture.start();
        proxy = FaultProxy.to(server.port());
        harness = SafetyHarness.builder("redis (single)", RedisSafetyBackends.class,
                client -> BackendSpec.of("redis", Map.of("host", server.host(),
                        "port", Integer.toString(client == 0 ? proxy.port() : server.port()),
                        "timeout", Duration.ofMillis(250).toString())))
                .build();
    }

    @AfterAll
    static void stop() {
        proxy.close();
        server.close();
    }

    @Override
    protected SafetyHarness harness() {
        return harness;
    }

    /** Issue 3: renewals fail, the lease is reported lost at expiry, the next holder has a higher token. */
    @Override
    protected Optional<Scenario> connectionCut() {
        return Optional.of(Scenario.cutConnectionRenewalsFail(proxy));
    }
}
