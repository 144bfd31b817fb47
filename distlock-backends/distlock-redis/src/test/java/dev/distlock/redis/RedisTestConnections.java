package dev.distlock.redis;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.distlock.testsupport.RedisServerFixture;

/** Connection factories on test servers, as Spring Boot would build them from spring.data.redis.*. */
final class RedisTestConnections {

    private RedisTestConnections() {
    }

    static LettuceConnectionFactory factory(RedisServerFixture server) {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(server.host(), server.port()));
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }
}
