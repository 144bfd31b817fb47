package dev.distlock.redis;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.distlock.testsupport.RedisServerFixture;

/**
 * The single redis-server of one test class and a connection factory on it, as Spring Boot would
 * build it: started before the class, stopped after it. Register it as a static
 * {@code @RegisterExtension} field.
 */
final class RedisServer implements BeforeAllCallback, AfterAllCallback {

    private RedisServerFixture fixture;
    private LettuceConnectionFactory connectionFactory;

    @Override
    public void beforeAll(ExtensionContext context) {
        fixture = RedisServerFixture.start();
        connectionFactory = RedisTestConnections.factory(fixture);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        connectionFactory.destroy();
        fixture.close();
    }

    RedisServerFixture fixture() {
        return fixture;
    }

    LettuceConnectionFactory connectionFactory() {
        return connectionFactory;
    }
}
