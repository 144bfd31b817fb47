package dev.distlock.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.LockBackendContract;
import dev.distlock.testsupport.RedisServerFixture;

/** The contract suite in single-node mode, on a redis-server started for this class. */
class RedisLockBackendContractIT extends LockBackendContract {

    private static RedisServerFixture server;
    private static LettuceConnectionFactory connectionFactory;

    @BeforeAll
    static void startServer() {
        server = RedisServerFixture.start();
        connectionFactory = RedisTestConnections.factory(server);
    }

    @AfterAll
    static void stopServer() {
        connectionFactory.destroy();
        server.close();
    }

    @Override
    protected LockBackend newBackend() {
        return new RedisLockBackend(connectionFactory);
    }
}
