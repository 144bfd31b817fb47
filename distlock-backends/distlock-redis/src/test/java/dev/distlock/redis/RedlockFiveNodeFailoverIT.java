package dev.distlock.redis;

import static dev.distlock.testsupport.BackendCalls.owner;
import static dev.distlock.testsupport.BackendCalls.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.distlock.LockNotAcquiredException;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEngine;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.LockBackendException;

/** Redlock over five real redis-server processes, two or three of them killed with kill -9. */
class RedlockFiveNodeFailoverIT {

    private static final Duration LEASE = Duration.ofSeconds(30);

    @RegisterExtension
    static final RedlockServers servers = new RedlockServers(5);
    private RedlockLockBackend clientA;
    private RedlockLockBackend clientB;

    @org.junit.jupiter.api.BeforeEach
    void newClients() {
        RedlockSettings settings = servers.settings();
        clientA = new RedlockLockBackend(settings);
        clientB = new RedlockLockBackend(settings);
    }

    @AfterEach
    void closeClientsAndReviveServers() {
        clientA.close();
        clientB.close();
        servers.restartKilled();
    }

    @Test
    void keepsGrantingAndReleasingWithTwoOfFiveNodesKilled() {
        servers.get(0).kill();
        servers.get(3).kill();
        String key = "failover:" + UUID.randomUUID();

        long previous = 0;
        for (int round = 0; round < 5; round++) {
            String holder = owner();
            long token = token(clientA.tryAcquire(new AcquireRequest(key, holder, LEASE, false)));
            assertThat(token).isGreaterThan(previous);
            previous = token;
            assertThat(clientB.tryAcquire(new AcquireRequest(key, owner(), LEASE, false)))
                    .isInstanceOf(AcquireResult.Denied.class);
            assertThat(clientA.renew(key, holder, LEASE)).isTrue();
            assertThat(clientA.release(key, holder)).isTrue();
        }
        assertThat(clientA.health().up()).isTrue();
    }

    @Test
    void refusesWithThreeOfFiveKilledAndRecoversWhenTheyRestart() {
        String key = "failover:" + UUID.randomUUID();
        String holder = owner();
        long before = token(clientA.tryAcquire(new AcquireRequest(key, holder, LEASE, false)));
        clientA.release(key, holder);
        servers.get(1).kill();
        servers.get(2).kill();
        servers.get(4).kill();

        assertThat(clientA.tryAcquire(new AcquireRequest(key, owner(), LEASE, false)))
                .isInstanceOf(AcquireResult.Denied.class);
        try (LockEngine engine = LockEngine.builder(clientA).build()) {
            assertThatThrownBy(() -> engine.acquire("refused", LockOptions.of(LEASE, Duration.ofMillis(500))))
                    .isInstanceOf(LockNotAcquiredException.class);
        }
        assertThat(clientA.health().up()).isFalse();

        servers.get(1).restart();
        servers.get(2).restart();
        servers.get(4).restart();

        String next = owner();
        AcquireResult granted = Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .ignoreExceptionsInstanceOf(LockBackendException.class)
                .until(() -> clientA.tryAcquire(new AcquireRequest(key, next, LEASE, false)),
                        result -> result instanceof AcquireResult.Granted);
        // Nodes 0 and 3 kept their counters; every majority includes one of them.
        assertThat(token(granted)).isGreaterThan(before);
        assertThat(clientA.health().up()).isTrue();
    }

    @Test
    void holderKeepsItsLeaseWhileANodeOfItsMajorityIsKilledAndRestarted() {
        String key = "failover:" + UUID.randomUUID();
        String holder = owner();
        token(clientA.tryAcquire(new AcquireRequest(key, holder, LEASE, false)));

        servers.get(2).kill();
        assertThat(clientA.renew(key, holder, LEASE)).isTrue();
        assertThat(clientB.tryAcquire(new AcquireRequest(key, owner(), LEASE, false)))
                .isInstanceOf(AcquireResult.Denied.class);
        servers.get(2).restart(); // without persistence it forgot the key: 4 of 5 still hold it

        assertThat(clientB.tryAcquire(new AcquireRequest(key, owner(), LEASE, false)))
                .isInstanceOf(AcquireResult.Denied.class);
        assertThat(clientA.renew(key, holder, LEASE)).isTrue();
        assertThat(clientA.release(key, holder)).isTrue();
    }
}
