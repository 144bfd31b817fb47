package dev.distlock.fencing.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.distlock.LockContext;
import dev.distlock.LockOptions;
import dev.distlock.StaleLockTokenException;
import dev.distlock.engine.LockEngine;
import dev.distlock.fencing.LeaseRequiredException;
import dev.distlock.inmemory.InMemoryLockBackend;
import dev.distlock.testsupport.RedisServerFixture;

/** {@link FencedRedis} on a redis-server of its own. */
class FencedRedisIT {

    private static final LockOptions OPTIONS = LockOptions.of(Duration.ofSeconds(30), Duration.ofSeconds(5));

    private static RedisServerFixture server;
    private static LettuceConnectionFactory connections;
    private static StringRedisTemplate redis;

    private LockEngine locks;
    private FencedRedis fenced;

    @BeforeAll
    static void startRedis() {
        server = RedisServerFixture.start();
        connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration(server.host(), server.port()));
        connections.afterPropertiesSet();
        connections.start();
        redis = new StringRedisTemplate(connections);
    }

    @AfterAll
    static void stopRedis() {
        if (connections != null) {
            connections.destroy();
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void setUp() {
        redis.execute((org.springframework.data.redis.core.RedisCallback<Object>) connection -> {
            connection.serverCommands().flushAll();
            return null;
        });
        fenced = new FencedRedis(connections);
        locks = LockEngine.builder(new InMemoryLockBackend()).namespace("fencing").build();
    }

    @AfterEach
    void closeLocks() {
        locks.close();
    }

    @Test
    void setUnderTheCurrentLeaseKeepsThePlainValueAndItsTokenBeside() {
        long token = locks.callLocked("order:42", OPTIONS, () -> {
            fenced.set("order:42:status", "PAID");
            return LockContext.currentLease().orElseThrow().fencingToken();
        });
        assertThat(redis.opsForValue().get("order:42:status")).isEqualTo("PAID");
        assertThat(redis.opsForValue().get("{order:42:status}:fence")).isEqualTo(Long.toString(token));
        assertThat(fenced.storedToken("order:42:status")).hasValue(token);
    }

    @Test
    void setWithAnOlderTokenIsRefusedAndChangesNothing() {
        fenced.withToken(7).set("status", "SHIPPED");

        assertThatThrownBy(() -> fenced.withToken(5).set("status", "PAID"))
                .isInstanceOfSatisfying(StaleLockTokenException.class, e -> {
                    assertThat(e.key()).isEqualTo("status");
                    assertThat(e.presentedToken()).isEqualTo(5);
                    assertThat(e.storedToken()).isEqualTo(7);
                })
                .hasMessageContaining("status").hasMessageContaining("token 5").hasMessageContaining("newer token 7");
        assertThat(redis.opsForValue().get("status")).isEqualTo("SHIPPED");
        assertThat(fenced.storedToken("status")).hasValue(7);
    }

    @Test
    void hsetWritesEveryFieldOrNone() {
        fenced.withToken(3).hset("order:1", Map.of("status", "PAID", "amount", "10"));
        fenced.withToken(3).hset("order:1", "status", "PACKED"); // the same holder again

        assertThatThrownBy(() -> fenced.withToken(2).hset("order:1", Map.of("status", "NEW", "amount", "0")))
                .isInstanceOf(StaleLockTokenException.class);
        assertThat(redis.<String, String>opsForHash().entries("order:1"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("status", "PACKED", "amount", "10"));
    }

    @Test
    void deleteIsFencedAndKeepsTheTokenSoThatAStaleHolderCannotWriteAgain() {
        fenced.withToken(4).set("cart", "full");
        assertThatThrownBy(() -> fenced.withToken(3).delete("cart")).isInstanceOf(StaleLockTokenException.class);
        assertThat(redis.hasKey("cart")).isTrue();

        fenced.withToken(5).delete("cart");
        assertThat(redis.hasKey("cart")).isFalse();
        assertThatThrownBy(() -> fenced.withToken(4).set("cart", "stale")).isInstanceOf(StaleLockTokenException.class);
        assertThat(redis.hasKey("cart")).isFalse();
    }

    @Test
    void aTtlAppliesToTheValueAndItsToken() {
        fenced.withToken(1).set("session", "s", Duration.ofMinutes(5));
        assertThat(redis.getExpire("session")).isPositive();
        assertThat(redis.getExpire(FenceKeys.of("session"))).isPositive();
    }

    @Test
    void tokensCompareExactlyPastWhatALuaNumberHolds() {
        // 2^53 + 1 and 2^53 are one double in Lua: compared as numbers they would be equal.
        fenced.withToken(9_007_199_254_740_993L).set("big", "newer");
        assertThatThrownBy(() -> fenced.withToken(9_007_199_254_740_992L).set("big", "older"))
                .isInstanceOfSatisfying(StaleLockTokenException.class,
                        e -> assertThat(e.storedToken()).isEqualTo(9_007_199_254_740_993L));
        fenced.withToken(10_000_000_000_000_000L).set("big", "newest");
        assertThat(redis.opsForValue().get("big")).isEqualTo("newest");
    }

    @Test
    void aWriteOutsideAnyLockWithoutATokenIsNotSent() {
        assertThatThrownBy(() -> fenced.set("status", "PAID")).isInstanceOf(LeaseRequiredException.class);
        assertThat(redis.hasKey("status")).isFalse();
    }
}
