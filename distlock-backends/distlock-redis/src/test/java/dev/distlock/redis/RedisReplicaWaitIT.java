package dev.distlock.redis;

import static dev.distlock.testsupport.BackendCalls.owner;
import static dev.distlock.testsupport.BackendCalls.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.LockBackendException;
import dev.distlock.testsupport.RedisServerFixture;

/**
 * {@code distlock.redis.wait-for-replicas}: a primary with one replica ({@code --replicaof}),
 * both started by the test. A grant is returned only once the replica acknowledged it; a grant
 * that the (paused) replica does not acknowledge is released and the attempt fails.
 */
class RedisReplicaWaitIT {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final ReplicaWait ONE_REPLICA = new ReplicaWait(1, Duration.ofMillis(300));

    private static RedisServerFixture primary;
    private static RedisServerFixture replica;
    private static LettuceConnectionFactory toPrimary;
    private static LettuceConnectionFactory toReplica;

    @BeforeAll
    static void startPrimaryAndReplica() {
        // No 5 s pause before the first full sync: the class should take seconds.
        primary = RedisServerFixture.start(false, List.of("--repl-diskless-sync-delay", "0"));
        replica = RedisServerFixture.start(false, List.of("--replicaof", primary.host(), Integer.toString(primary.port())));
        toPrimary = RedisTestConnections.factory(primary);
        toReplica = RedisTestConnections.factory(replica);
    }

    /** Linked and caught up, also after a test paused the replica. */
    @BeforeEach
    void replicaInSync() {
        Awaitility.await("the replica is in sync").atMost(Duration.ofSeconds(20)).until(() -> {
            Properties onReplica = replication(toReplica);
            return "up".equals(onReplica.getProperty("master_link_status"))
                    && replication(toPrimary).getProperty("master_repl_offset").equals(onReplica.getProperty("slave_repl_offset"));
        });
    }

    private static Properties replication(LettuceConnectionFactory factory) {
        return new StringRedisTemplate(factory).execute(c -> c.serverCommands().info("replication"), true);
    }

    @AfterAll
    static void stop() {
        toReplica.destroy();
        toPrimary.destroy();
        replica.close();
        primary.close();
    }

    @Test
    void aGrantIsReturnedOnlyOnceTheReplicaHoldsIt() {
        try (RedisLockBackend backend = new RedisLockBackend(toPrimary, RedisSettings.defaults(), ONE_REPLICA)) {
            String key = key();
            String owner = owner();

            long token = token(backend.tryAcquire(new AcquireRequest(key, owner, LEASE, false)));

            // Read at once, no waiting: WAIT returned only after the replica acknowledged the grant.
            StringRedisTemplate replicaSide = new StringRedisTemplate(toReplica);
            assertThat(replicaSide.opsForHash().get(RedisKeyLayout.of(key).lock(), "owner")).isEqualTo(owner);
            assertThat(replicaSide.opsForValue().get(RedisKeyLayout.of(key).fence())).isEqualTo(Long.toString(token));
        }
    }

    @Test
    void aGrantTheReplicaDoesNotAcknowledgeIsReleasedAndTheAttemptFails() {
        try (RedisLockBackend backend = new RedisLockBackend(toPrimary, RedisSettings.defaults(), ONE_REPLICA)) {
            String key = key();
            replica.server().pause();
            try {
                assertThatThrownBy(() -> backend.tryAcquire(new AcquireRequest(key, owner(), LEASE, false)))
                        .isInstanceOf(LockBackendException.class)
                        .hasMessageContaining("0 of 1 replicas acknowledged");
                assertThat(new StringRedisTemplate(toPrimary).hasKey(RedisKeyLayout.of(key).lock()))
                        .as("the unacknowledged grant was released").isFalse();
            } finally {
                replica.server().resume();
            }
        }
    }

    @Test
    void offByDefaultAGrantDoesNotWaitForReplicas() {
        try (RedisLockBackend backend = new RedisLockBackend(toPrimary)) {
            replica.server().pause();
            try {
                token(backend.tryAcquire(new AcquireRequest(key(), owner(), LEASE, false)));
            } finally {
                replica.server().resume();
            }
        }
    }

    private static String key() {
        return "replica-wait:" + UUID.randomUUID();
    }
}
