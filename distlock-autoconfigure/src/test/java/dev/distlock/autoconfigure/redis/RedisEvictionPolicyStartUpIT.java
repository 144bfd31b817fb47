package dev.distlock.autoconfigure.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.autoconfigure.backend.LockBackendFailureAnalyzer;
import dev.distlock.redis.RedisLockBackend;
import dev.distlock.testsupport.RedisServerFixture;

/**
 * Start-up against a Redis that may evict distlock's keys ({@code allkeys-lru} with a memory
 * limit): refused by default, naming the policy, the consequence and the two ways out.
 */
class RedisEvictionPolicyStartUpIT {

    private static RedisServerFixture evicting;

    @BeforeAll
    static void startServer() {
        evicting = RedisServerFixture.start(false, List.of("--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"));
    }

    @AfterAll
    static void stopServer() {
        evicting.close();
    }

    private ApplicationContextRunner onEvictingRedis() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, DistributedLockAutoConfiguration.class))
                .withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + evicting.port());
    }

    @Test
    void anEvictingPolicyFailsStartUpNamingTheConsequenceAndTheFix() {
        onEvictingRedis().run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new LockBackendFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("allkeys-lru", "fencing tokens restart at 1");
            assertThat(analysis.getAction()).contains("noeviction", "distlock.redis.eviction-policy-check=warn");
        });
    }

    @Test
    void anApplicationThatAcceptsTheRiskStartsAndHealthShowsThePolicy() {
        onEvictingRedis().withPropertyValues("distlock.redis.eviction-policy-check=warn").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(RedisLockBackend.class).health().details())
                    .containsEntry("maxmemoryPolicy", "allkeys-lru");
        });
    }
}
