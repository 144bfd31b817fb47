package dev.distlock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.LockBackendException;
import dev.distlock.testsupport.RedisServerFixture;

/** Redlock nodes that require an ACL user and password, given in the node URIs. */
class RedlockAclIT {

    private static final List<RedisServerFixture> servers = new ArrayList<>();

    @BeforeAll
    static void startServers() {
        for (int i = 0; i < 3; i++) {
            servers.add(RedisServerFixture.start(false, List.of(
                    "--user", "default", "off",
                    "--user", "locker", "on", ">s3cret", "~*", "&*", "+@all")));
        }
    }

    @AfterAll
    static void stopServers() {
        servers.forEach(RedisServerFixture::close);
    }

    private static RedlockLockBackend backend(Function<RedisServerFixture, String> uri) {
        return new RedlockLockBackend(RedlockSettings.of(servers.stream().map(uri).toList())
                .withNodeTimeout(Duration.ofMillis(500)));
    }

    @Test
    void grantsWithTheUserAndPasswordFromTheUris() {
        try (RedlockLockBackend backend = backend(server -> "redis://locker:s3cret@127.0.0.1:" + server.port())) {
            String key = "acl:" + UUID.randomUUID();
            String owner = UUID.randomUUID() + ":1";
            assertThat(backend.tryAcquire(new AcquireRequest(key, owner, Duration.ofSeconds(30), false)))
                    .isInstanceOf(AcquireResult.Granted.class);
            assertThat(backend.release(key, owner)).isTrue();
            assertThat(backend.health().up()).isTrue();
        }
    }

    @Test
    void wrongPasswordIsABackendFailureNamingTheNodes() {
        try (RedlockLockBackend backend = backend(server -> "redis://locker:wrong@127.0.0.1:" + server.port())) {
            assertThatThrownBy(() -> backend.tryAcquire(
                    new AcquireRequest("acl:" + UUID.randomUUID(), UUID.randomUUID() + ":1", Duration.ofSeconds(30), false)))
                    .isInstanceOf(LockBackendException.class)
                    .hasMessageContaining("no node answered");
            assertThat(backend.health().up()).isFalse();
        }
    }
}
