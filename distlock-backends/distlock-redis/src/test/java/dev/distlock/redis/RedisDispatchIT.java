package dev.distlock.redis;

import static dev.distlock.testsupport.BackendCalls.owner;
import static dev.distlock.testsupport.BackendCalls.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.ReleaseOutcome;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.LockBackendException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;

/**
 * The single-node backend sends an uncontended acquire and a release on Lettuce's shared connection
 * without blocking the caller ({@link dev.distlock.spi.DispatchingBackend}), so that the engine needs
 * no store-call thread for them; it declines (null) where a step would block, and the engine then
 * makes the blocking call on a store-call thread.
 */
class RedisDispatchIT {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final long ANSWER_BOUND_SECONDS = 10;

    @RegisterExtension
    static final RedisServer redis = new RedisServer();

    @Test
    void onceConnectedAnUncontendedAcquireAndItsReleaseAreSentWithoutBlocking() throws Exception {
        try (RedisLockBackend backend = new RedisLockBackend(redis.connectionFactory())) {
            String owner = owner();
            String key = "dispatch:" + UUID.randomUUID();
            AcquireRequest request = new AcquireRequest(key, owner, LEASE, false);
            assertThat(backend.dispatchAcquire(request)).as("before the first call: no connection, no deployment").isNull();
            long first = token(backend.tryAcquire(request));
            assertThat(backend.release(key, owner)).isTrue();

            AcquireResult granted = answer(backend.dispatchAcquire(request));
            assertThat(granted).isInstanceOfSatisfying(AcquireResult.Granted.class,
                    grant -> assertThat(grant.fencingToken()).isGreaterThan(first));
            AcquireResult denied = answer(backend.dispatchAcquire(new AcquireRequest(key, owner(), LEASE, false)));
            assertThat(denied).isInstanceOfSatisfying(AcquireResult.Denied.class,
                    refusal -> assertThat(refusal.holderRemaining()).isPositive());
            assertThat(answer(backend.dispatchRelease(key, owner))).isEqualTo(ReleaseOutcome.RELEASED);
            assertThat(answer(backend.dispatchRelease(key, owner))).as("released already").isEqualTo(ReleaseOutcome.NOT_HELD);
        }
    }

    @Test
    void onceConnectedAHandOverIsSentWithoutBlocking() throws Exception {
        try (RedisLockBackend backend = new RedisLockBackend(redis.connectionFactory())) {
            String holder = owner();
            String key = "dispatch-hand-over:" + UUID.randomUUID();
            AcquireRequest next = new AcquireRequest(key, owner(), LEASE, false);
            long first = token(backend.tryAcquire(new AcquireRequest(key, holder, LEASE, false)));

            AcquireResult handed = answer(backend.dispatchHandOver(key, holder, next));

            assertThat(handed).isInstanceOfSatisfying(AcquireResult.Granted.class,
                    grant -> assertThat(grant.fencingToken()).isGreaterThan(first));
            assertThat(backend.release(key, holder)).as("the former holder").isFalse();
            assertThat(backend.release(key, next.owner())).isTrue();
        }
    }

    @Test
    void aScriptFlushedFromRedisIsSentAgainByText() throws Exception {
        try (RedisLockBackend backend = new RedisLockBackend(redis.connectionFactory())) {
            String owner = owner();
            String key = "dispatch-flushed:" + UUID.randomUUID();
            AcquireRequest request = new AcquireRequest(key, owner, LEASE, false);
            token(backend.tryAcquire(request));
            backend.release(key, owner);

            flushScripts();
            assertThat(answer(backend.dispatchAcquire(request))).isInstanceOf(AcquireResult.Granted.class);
            flushScripts();
            assertThat(answer(backend.dispatchRelease(key, owner))).isEqualTo(ReleaseOutcome.RELEASED);
        }
    }

    @Test
    void anErrorReplyFailsTheFutureWithTheBackendsException() throws Exception {
        try (RedisLockBackend backend = new RedisLockBackend(redis.connectionFactory())) {
            String owner = owner();
            String key = "dispatch-error:" + UUID.randomUUID();
            token(backend.tryAcquire(new AcquireRequest(key, owner, LEASE, false)));
            backend.release(key, owner);
            withRedis(redis -> redis.sync().rpush(new EncodedKeyLayout(key).lock(), new byte[] {1})); // WRONGTYPE for GET

            CompletableFuture<ReleaseOutcome> release = backend.dispatchRelease(key, owner);
            assertThat(release).isNotNull();
            try {
                release.get(ANSWER_BOUND_SECONDS, TimeUnit.SECONDS);
                throw new AssertionError("a release of a key of another type must fail");
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(LockBackendException.class)
                        .hasMessageContaining("Redis release of '" + key + "' failed");
            }
        }
    }

    @Test
    void whatWouldBlockIsNotDispatched() {
        String key = "dispatch-declined:" + UUID.randomUUID();
        try (RedisLockBackend backend = new RedisLockBackend(redis.connectionFactory())) {
            AcquireRequest fair = new AcquireRequest(key, owner(), LEASE, true);
            token(backend.tryAcquire(fair));
            assertThat(backend.dispatchAcquire(fair)).as("fair: the queue keeper's bookkeeping").isNull();
        }
        try (RedisLockBackend backend = new RedisLockBackend(redis.connectionFactory(), RedisSettings.defaults(),
                new ReplicaWait(1, Duration.ofMillis(50)))) {
            backend.release(key, owner()); // deployment known, connection open
            assertThat(backend.dispatchAcquire(new AcquireRequest(key, owner(), LEASE, false)))
                    .as("WAIT for replicas after a grant").isNull();
        }
        LettuceConnectionFactory pooled = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(redis.fixture().host(), redis.fixture().port()));
        pooled.setShareNativeConnection(false);
        pooled.afterPropertiesSet();
        pooled.start();
        try (RedisLockBackend backend = new RedisLockBackend(pooled)) {
            String owner = owner();
            token(backend.tryAcquire(new AcquireRequest(key + ":pooled", owner, LEASE, false)));
            assertThat(backend.dispatchAcquire(new AcquireRequest(key + ":pooled", owner(), LEASE, false)))
                    .as("a connection to borrow per call").isNull();
            assertThat(backend.dispatchRelease(key + ":pooled", owner)).isNull();
        } finally {
            pooled.destroy();
        }
    }

    private static <T> T answer(CompletableFuture<T> sent) throws Exception {
        assertThat(sent).as("sent without blocking").isNotNull();
        return sent.get(ANSWER_BOUND_SECONDS, TimeUnit.SECONDS);
    }

    private static void flushScripts() {
        withRedis(redis -> redis.sync().scriptFlush());
    }

    private static void withRedis(Consumer<StatefulRedisConnection<byte[], byte[]>> command) {
        RedisClient client = RedisClient.create(redis.fixture().uri());
        try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
            command.accept(connection);
        } finally {
            client.shutdown();
        }
    }
}
