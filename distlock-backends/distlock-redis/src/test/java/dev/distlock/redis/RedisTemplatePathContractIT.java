package dev.distlock.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisSentinelConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.jspecify.annotations.Nullable;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.LockBackendContract;
import dev.distlock.testsupport.RedisServerFixture;

/**
 * The contract suite on a connection factory that is not a {@link LettuceConnectionFactory}, as a
 * Jedis factory is not: the backend sends its scripts through a template ({@link TemplateScriptCalls}).
 * The scripts' bytes, NOSCRIPT handling and replies are the client-independent part under test.
 */
class RedisTemplatePathContractIT extends LockBackendContract {

    private static RedisServerFixture server;
    private static LettuceConnectionFactory lettuce;

    @BeforeAll
    static void startServer() {
        server = RedisServerFixture.start();
        lettuce = RedisTestConnections.factory(server);
    }

    @AfterAll
    static void stopServer() {
        lettuce.destroy();
        server.close();
    }

    @Override
    protected LockBackend newBackend() {
        // The release subscription stays on Lettuce's factory: a listener container would take the
        // wrapper for a blocking client (Jedis) and wait on Lettuce's non-blocking subscribe.
        return new RedisLockBackend(new OtherClientFactory(lettuce), lettuce, RedisSettings.defaults());
    }

    /** Hides which client stands behind the connections. */
    private record OtherClientFactory(RedisConnectionFactory delegate) implements RedisConnectionFactory {

        @Override
        public boolean getConvertPipelineAndTxResults() {
            return delegate.getConvertPipelineAndTxResults();
        }

        @Override
        public RedisConnection getConnection() {
            return delegate.getConnection();
        }

        @Override
        public RedisClusterConnection getClusterConnection() {
            return delegate.getClusterConnection();
        }

        @Override
        public RedisSentinelConnection getSentinelConnection() {
            return delegate.getSentinelConnection();
        }

        @Override
        public @Nullable DataAccessException translateExceptionIfPossible(RuntimeException ex) {
            return delegate.translateExceptionIfPossible(ex);
        }
    }
}
