package dev.distlock.redis;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.distlock.testsupport.RedisServerFixture;

/** Connection factories on test servers, as Spring Boot would build them from spring.data.redis.*. */
final class RedisTestConnections {

    private RedisTestConnections() {
    }

    static LettuceConnectionFactory factory(RedisServerFixture server) {
        return factory(server.host(), server.port());
    }

    /** On {@code host:port}, e.g. a fault proxy in front of a test server. */
    static LettuceConnectionFactory factory(String host, int port) {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(host, port));
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }
}
