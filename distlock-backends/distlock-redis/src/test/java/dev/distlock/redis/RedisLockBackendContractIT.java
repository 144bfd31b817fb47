package dev.distlock.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.LockBackendContract;

/** The contract suite in single-node mode, on a redis-server started for this class. */
class RedisLockBackendContractIT extends LockBackendContract {

    @RegisterExtension
    static final RedisServer redis = new RedisServer();

    @Override
    protected LockBackend newBackend() {
        return new RedisLockBackend(redis.connectionFactory());
    }
}
