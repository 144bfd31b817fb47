package dev.distlock.redis;

import java.util.ArrayList;
import java.util.List;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.LostGrantReplyContract;
import dev.distlock.testsupport.RedisServerFixture;

/** Single-node Redis: the acquire script runs, its reply arrives after the engine gave up on it. */
class RedisLostGrantReplyIT extends LostGrantReplyContract {

    @Override
    protected Store startStore() {
        RedisServerFixture server = RedisServerFixture.start();
        List<LettuceConnectionFactory> factories = new ArrayList<>();
        return new Store() {
            @Override
            public int port() {
                return server.port();
            }

            @Override
            public LockBackend backendOn(int port) {
                LettuceConnectionFactory factory = RedisTestConnections.factory(server.host(), port);
                factories.add(factory);
                return new RedisLockBackend(factory);
            }

            @Override
            public void close() {
                factories.forEach(LettuceConnectionFactory::destroy);
                server.close();
            }
        };
    }
}
