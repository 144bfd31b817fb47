package dev.distlock.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.LockBackendContract;
import dev.distlock.testsupport.RedisClusterFixture;

/**
 * The contract suite in single-node mode on a 3-master Redis Cluster created for this class:
 * every script's keys share a hash tag (no CROSSSLOT), and releases published on one master
 * reach the subscription on another.
 */
class RedisClusterLockBackendContractIT extends LockBackendContract {

    private static RedisClusterFixture cluster;
    private static LettuceConnectionFactory connectionFactory;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterFixture.start(3);
        connectionFactory = new LettuceConnectionFactory(new RedisClusterConfiguration(cluster.nodeAddresses()));
        connectionFactory.afterPropertiesSet();
        connectionFactory.start();
    }

    @AfterAll
    static void stopCluster() {
        connectionFactory.destroy();
        cluster.close();
    }

    @Override
    protected LockBackend newBackend() {
        return new RedisLockBackend(connectionFactory);
    }
}
