package dev.distlock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.distlock.spi.BackendHealth;
import dev.distlock.testsupport.RedisServerFixture;

/**
 * The fence counter never expires and the lock hash does: a Redis that evicts keys under memory
 * pressure can drop either (allkeys-*: the counter, tokens restart at 1; volatile-*: a held lock,
 * granted to a second client). The backend reads the policy, reports it in health and refuses it
 * at start-up unless told to only warn.
 */
class RedisEvictionPolicyIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final List<String> ALLKEYS_LRU = List.of("--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru");

    @Test
    void healthReportsAnEvictingPolicyAndWhatItCanDoToLocks() {
        onServer(ALLKEYS_LRU, backend -> {
            BackendHealth health = backend.health();

            assertThat(health.up()).isTrue();
            assertThat(health.details()).containsEntry("maxmemoryPolicy", "allkeys-lru")
                    .containsEntry("maxmemory", 64L * 1024 * 1024);
            assertThat(String.valueOf(health.details().get("eviction"))).contains("fencing tokens restart at 1");
        });
    }

    @Test
    void startUpRefusesAnAllkeysPolicyNamingTheConsequenceAndTheFix() {
        onServer(ALLKEYS_LRU, backend -> assertThatThrownBy(() -> backend.checkEvictionPolicy(EvictionPolicyCheck.FAIL, WAIT))
                .isInstanceOfSatisfying(RedisEvictionPolicyException.class, e -> {
                    assertThat(e.description()).contains("allkeys-lru", "fencing tokens restart at 1",
                            "a second client is granted a held lock");
                    assertThat(e.action()).contains("noeviction", "distlock.redis.eviction-policy-check=warn");
                }));
    }

    @Test
    void startUpOnlyWarnsWhenTheApplicationAcceptsTheRisk() {
        onServer(ALLKEYS_LRU, backend -> {
            RedisEvictionPolicy policy = backend.checkEvictionPolicy(EvictionPolicyCheck.WARN, WAIT);

            assertThat(policy.policy()).isEqualTo("allkeys-lru");
            assertThat(policy.evictsNothing()).isFalse();
        });
    }

    @Test
    void aVolatilePolicyIsRefusedForWhatItDoesToHeldLocks() {
        onServer(List.of("--maxmemory", "64mb", "--maxmemory-policy", "volatile-lru"), backend ->
                assertThatThrownBy(() -> backend.checkEvictionPolicy(EvictionPolicyCheck.FAIL, WAIT))
                        .isInstanceOf(RedisEvictionPolicyException.class)
                        .hasMessageContaining("volatile-lru")
                        .hasMessageContaining("held locks, which carry an expiry (a second client is granted a held lock)"));
    }

    @Test
    void noevictionPassesTheStartUpCheckAndHealthSaysSo() {
        onServer(List.of("--maxmemory", "64mb", "--maxmemory-policy", "noeviction"), backend -> {
            RedisEvictionPolicy policy = backend.checkEvictionPolicy(EvictionPolicyCheck.FAIL, WAIT);

            assertThat(policy.evictsNothing()).isTrue();
            assertThat(backend.health().details()).containsEntry("maxmemoryPolicy", "noeviction");
        });
    }

    @Test
    void aPolicyChangedAfterStartUpShowsInHealth() {
        try (RedisServerFixture server = RedisServerFixture.start(false,
                List.of("--maxmemory", "64mb", "--maxmemory-policy", "noeviction"))) {
            LettuceConnectionFactory factory = RedisTestConnections.factory(server);
            try (RedisLockBackend backend = new RedisLockBackend(factory)) {
                backend.checkEvictionPolicy(EvictionPolicyCheck.FAIL, WAIT);

                new StringRedisTemplate(factory).execute(connection -> {
                    connection.serverCommands().setConfig("maxmemory-policy", "volatile-ttl");
                    return null;
                }, true);

                assertThat(backend.health().details()).containsEntry("maxmemoryPolicy", "volatile-ttl");
            } finally {
                factory.destroy();
            }
        }
    }

    @Test
    void withConfigRenamedThePolicyIsReadFromInfoAndTheSourceSaysSo() {
        onServer(List.of("--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lfu", "--rename-command", "CONFIG", ""),
                backend -> {
                    RedisEvictionPolicy policy = backend.evictionPolicy(WAIT);

                    assertThat(policy.policy()).isEqualTo("allkeys-lfu");
                    assertThat(policy.source()).startsWith("INFO memory").contains("CONFIG GET failed");
                    assertThatThrownBy(() -> backend.checkEvictionPolicy(EvictionPolicyCheck.FAIL, WAIT))
                            .isInstanceOf(RedisEvictionPolicyException.class);
                });
    }

    private static void onServer(List<String> arguments, Consumer<RedisLockBackend> test) {
        try (RedisServerFixture server = RedisServerFixture.start(false, arguments)) {
            LettuceConnectionFactory factory = RedisTestConnections.factory(server);
            try (RedisLockBackend backend = new RedisLockBackend(factory)) {
                test.accept(backend);
            } finally {
                factory.destroy();
            }
        }
    }
}
