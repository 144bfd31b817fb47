package dev.distlock.redis;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.distlock.testsupport.RedisServerFixture;

/**
 * The single redis-server of one test class, a connection factory on it, as Spring Boot would build
 * it, and a template to look at what the store keeps: started before the class, stopped after it.
 * Register it as a static {@code @RegisterExtension} field.
 */
final class RedisServer implements BeforeAllCallback, AfterAllCallback {

    private RedisServerFixture fixture;
    private LettuceConnectionFactory connectionFactory;
    private StringRedisTemplate template;

    @Override
    public void beforeAll(ExtensionContext context) {
        fixture = RedisServerFixture.start();
        connectionFactory = RedisTestConnections.factory(fixture);
        template = new StringRedisTemplate(connectionFactory);
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

    StringRedisTemplate template() {
        return template;
    }

    /** Empties the store, e.g. after each test of a class that looks at every key it keeps. */
    void flushAll() {
        template.execute(connection -> {
            connection.serverCommands().flushAll();
            return null;
        }, true);
    }
}
