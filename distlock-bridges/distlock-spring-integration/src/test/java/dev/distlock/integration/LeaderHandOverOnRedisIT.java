package dev.distlock.integration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.DefaultCandidate;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;
import org.springframework.integration.support.locks.LockRegistry;

import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.integration.autoconfigure.DistlockLockRegistryAutoConfiguration;
import dev.distlock.testsupport.FaultProxy;
import dev.distlock.testsupport.RedisServerFixture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Leader election with Spring Integration's {@link LockRegistryLeaderInitiator} on the auto-configured
 * distlock registry, two application instances on a real redis-server: when the leader goes, the
 * other instance leads within a bound.
 */
class LeaderHandOverOnRedisIT {

    private static final String LEASE = "2s";
    /** A lease, a renewal's operation timeout and the heartbeats on both sides, with room to spare. */
    private static final Duration HAND_OVER_BOUND = Duration.ofSeconds(10);

    private static RedisServerFixture redis;

    private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

    @BeforeAll
    static void startRedis() {
        redis = RedisServerFixture.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void stopInstances() {
        instances.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void otherInstanceLeadsWhenTheLeaderShutsDown() {
        ConfigurableApplicationContext first = instance(redis.port());
        await().atMost(HAND_OVER_BOUND).until(() -> candidate(first).leading());
        ConfigurableApplicationContext second = instance(redis.port());
        RecordingCandidate leader = candidate(first);
        RecordingCandidate follower = candidate(second);
        assertThat(leader.registry()).isInstanceOf(DistlockLockRegistry.class);

        first.close();

        await().atMost(HAND_OVER_BOUND).until(follower::leading);
        assertThat(leader.events()).containsExactly("granted", "revoked");
        assertThat(follower.events()).containsExactly("granted");
    }

    @Test
    void otherInstanceLeadsWhenTheLeaderLosesTheStoreAndTheLeaderStepsDown() {
        try (FaultProxy toRedis = FaultProxy.to(redis.port())) {
            ConfigurableApplicationContext first = instance(toRedis.port());
            await().atMost(HAND_OVER_BOUND).until(() -> candidate(first).leading());
            ConfigurableApplicationContext second = instance(redis.port());

            // The leader is cut off from Redis: its renewals fail, its lease is lost and ends in Redis.
            toRedis.blackhole();

            await().atMost(HAND_OVER_BOUND).until(() -> candidate(second).leading());
            await().atMost(HAND_OVER_BOUND).until(() -> !candidate(first).leading());
            assertThat(candidate(first).events()).startsWith("granted", "revoked");
            toRedis.restore();
        }
    }

    private ConfigurableApplicationContext instance(int redisPort) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(LeaderApplication.class)
                .web(WebApplicationType.NONE)
                .properties("spring.main.banner-mode=off", "spring.data.redis.host=127.0.0.1",
                        "spring.data.redis.port=" + redisPort, "spring.data.redis.timeout=1s",
                        "distlock.backend=redis", "distlock.default-lease=" + LEASE,
                        "distlock.operation-timeout=500ms", "distlock.shutdown-timeout=1s")
                .run();
        instances.add(context);
        return context;
    }

    private static RecordingCandidate candidate(ConfigurableApplicationContext context) {
        return context.getBean(RecordingCandidate.class);
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({DataRedisAutoConfiguration.class, DistributedLockAutoConfiguration.class,
            DistlockLockRegistryAutoConfiguration.class})
    static class LeaderApplication {

        @Bean
        RecordingCandidate candidate(LockRegistry<?> registry) {
            return new RecordingCandidate(registry);
        }

        /** As a Spring Integration application declares it, on the auto-configured registry. */
        @Bean
        LockRegistryLeaderInitiator leaderInitiator(LockRegistry<?> registry, RecordingCandidate candidate) {
            LockRegistryLeaderInitiator initiator = new LockRegistryLeaderInitiator(registry, candidate);
            initiator.setHeartBeatMillis(100);
            initiator.setBusyWaitMillis(50);
            return initiator;
        }
    }

    /** A candidate that remembers what it was told. */
    static final class RecordingCandidate extends DefaultCandidate {

        private final LockRegistry<?> registry;
        private final List<String> events = new CopyOnWriteArrayList<>();
        private volatile boolean leading;

        RecordingCandidate(LockRegistry<?> registry) {
            super("instance", "leader");
            this.registry = registry;
        }

        @Override
        public void onGranted(Context context) {
            events.add("granted");
            leading = true;
        }

        @Override
        public void onRevoked(Context context) {
            leading = false;
            events.add("revoked");
        }

        boolean leading() {
            return leading;
        }

        List<String> events() {
            return events;
        }

        LockRegistry<?> registry() {
            return registry;
        }
    }
}
