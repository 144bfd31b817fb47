package dev.distlock.redis;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.StoreDownContract;
import dev.distlock.testsupport.RedisServerFixture;

/** Single-node Redis on the Lettuce connection factory that Spring Boot builds (60 s command timeout). */
class RedisStoreDownIT extends StoreDownContract {

    @Override
    protected Store startStore() {
        RedisServerFixture server = RedisServerFixture.start();
        LettuceConnectionFactory factory = RedisTestConnections.factory(server);
        return new Store() {
            @Override
            public LockBackend newBackend() {
                return new RedisLockBackend(factory);
            }

            @Override
            public void kill() {
                server.kill();
            }

            @Override
            public void pause() {
                server.server().pause();
            }

            @Override
            public void close() {
                server.close();
                factory.destroy();
            }
        };
    }
}
