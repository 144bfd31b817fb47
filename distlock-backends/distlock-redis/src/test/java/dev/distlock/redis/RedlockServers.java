package dev.distlock.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.distlock.testsupport.RedisServerFixture;

/**
 * The redis-server processes of one Redlock test class: started before the class, stopped after it.
 * Register it as a static {@code @RegisterExtension} field.
 */
final class RedlockServers implements BeforeAllCallback, AfterAllCallback {

    private final int count;
    private final List<RedisServerFixture> servers = new ArrayList<>();

    RedlockServers(int count) {
        this.count = count;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        for (int i = 0; i < count; i++) {
            servers.add(RedisServerFixture.start());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        servers.forEach(RedisServerFixture::close);
        servers.clear();
    }

    RedisServerFixture get(int index) {
        return servers.get(index);
    }

    List<RedisServerFixture> all() {
        return List.copyOf(servers);
    }

    /** Brings back the servers a test killed, so that the next test starts with all of them. */
    void restartKilled() {
        servers.stream().filter(server -> !server.isAlive()).forEach(RedisServerFixture::restart);
    }

    /** Redlock over all the servers; a short node timeout, so that a killed node costs little. */
    RedlockSettings settings() {
        return RedlockSettings.of(servers.stream().map(RedisServerFixture::uri).toList())
                .withNodeTimeout(Duration.ofMillis(500));
    }
}
