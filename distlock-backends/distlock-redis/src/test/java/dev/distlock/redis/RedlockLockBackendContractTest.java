package dev.distlock.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.LockBackendContract;
import dev.distlock.testsupport.RedisServerFixture;

/** The contract suite in Redlock mode over five redis-server processes started for this class. */
class RedlockLockBackendContractTest extends LockBackendContract {

    private static final List<RedisServerFixture> servers = new ArrayList<>();

    @BeforeAll
    static void startServers() {
        for (int i = 0; i < 5; i++) {
            servers.add(RedisServerFixture.start());
        }
    }

    @AfterAll
    static void stopServers() {
        servers.forEach(RedisServerFixture::close);
    }

    @Override
    protected LockBackend newBackend() {
        return new RedlockLockBackend(RedlockSettings.of(servers.stream().map(RedisServerFixture::uri).toList())
                .withNodeTimeout(Duration.ofMillis(500)));
    }
}
