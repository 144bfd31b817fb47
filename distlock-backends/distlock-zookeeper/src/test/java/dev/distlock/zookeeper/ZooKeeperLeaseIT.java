package dev.distlock.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEngine;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.RenewRequest;
import dev.distlock.spi.RenewResult;
import dev.distlock.testsupport.ChildJvm;
import dev.distlock.testsupport.ZooKeeperServerFixture;

/**
 * The annotation's lease is the crash-recovery time on ZooKeeper: each lease length has a session
 * whose timeout is that lease, and a lease the server cannot give a session for is refused by name.
 * The fixture's server grants session timeouts of 1 s to 60 s (minSessionTimeout, maxSessionTimeout).
 */
class ZooKeeperLeaseIT {

    private static final Duration LEASE = Duration.ofSeconds(3);

    private static ZooKeeperServerFixture zookeeper;

    /** Takes {@code args[1]} with a lease of {@code args[2]} on its own backend (default settings), then holds it. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            LockEngine engine = LockEngine.builder(ZooKeeperLockBackend.create(ZooKeeperSettings.builder(args[0]).build()))
                    .build();
            Optional<Lease> lease = engine.tryAcquire(args[1], LockOptions.of(Duration.parse(args[2]), Duration.ZERO));
            System.out.println(lease.isPresent() ? "held " + lease.get().fencingToken() : "denied");
            new BufferedReader(new InputStreamReader(System.in)).readLine(); // hold until killed
        }
    }

    @BeforeAll
    static void start() {
        zookeeper = ZooKeeperServerFixture.single();
    }

    @AfterAll
    static void stop() {
        zookeeper.close();
    }

    @Test
    void killedHolderFreesItsKeyWithinItsLeaseNotTheDefaultSessionTimeout() {
        String key = "crash-" + UUID.randomUUID();
        try (ChildJvm holder = ChildJvm.start(Holder.class, zookeeper.connectString(), key, LEASE.toString());
                LockEngine other = LockEngine.builder(ZooKeeperLockBackend.create(
                        ZooKeeperSettings.builder(zookeeper.connectString()).build())).build()) {
            assertThat(holder.awaitLine("held", Duration.ofSeconds(60))).startsWith("held ");
            assertThat(other.tryAcquire(key, LockOptions.of(LEASE, Duration.ZERO))).isEmpty();

            holder.kill();
            long killed = System.nanoTime();
            Optional<Lease> granted = other.tryAcquire(key, LockOptions.of(LEASE, Duration.ofSeconds(40)));
            Duration recovery = Duration.ofNanos(System.nanoTime() - killed);
            try {
                assertThat(granted).as("granted after the holder's kill -9").isPresent();
                assertThat(recovery).as("time from kill -9 to the next grant").isLessThanOrEqualTo(LEASE.plusSeconds(1));
            } finally {
                granted.ifPresent(Lease::close);
            }
        }
    }

    @Test
    void leaseShorterThanTheServersMinimumSessionIsRefusedNamingLeaseTimeoutAndFix() {
        try (ZooKeeperLockBackend backend = ZooKeeperLockBackend.create(ZooKeeperSettings.builder(zookeeper.connectString()).build())) {
            assertThatThrownBy(() -> backend.tryAcquire(new AcquireRequest("short", UUID.randomUUID().toString(),
                    Duration.ofMillis(300), false)))
                    .isInstanceOf(LockBackendException.class)
                    .hasMessageContaining("lease of 300ms")
                    .hasMessageContaining("session timeout of 1000ms")
                    .hasMessageContaining("minSessionTimeout");
            assertThat(backend.refusal(Duration.ofMinutes(5))).hasValueSatisfying(reason -> assertThat(reason)
                    .contains("lease of 300000ms").contains("session timeout of 60000ms").contains("maxSessionTimeout"));
            assertThat(backend.refusal(LEASE)).isEmpty();
        }
    }

    @Test
    void sessionsAreBoundedByDistinctLeaseLengthsInUse() {
        try (ZooKeeperLockBackend backend = ZooKeeperLockBackend.create(ZooKeeperSettings.builder(zookeeper.connectString()).build())) {
            // The session opened at start (30 s) is one of the eight; seven more lease lengths fill them.
            for (int seconds = 1; seconds < LeaseSessions.MAX_SESSIONS; seconds++) {
                assertThat(backend.tryAcquire(new AcquireRequest("bounded-" + seconds, UUID.randomUUID().toString(),
                        Duration.ofSeconds(seconds), false))).isInstanceOf(AcquireResult.Granted.class);
            }
            assertThat(backend.tryAcquire(new AcquireRequest("bounded-30", UUID.randomUUID().toString(),
                    Duration.ofSeconds(30), false))).isInstanceOf(AcquireResult.Granted.class);

            assertThatThrownBy(() -> backend.tryAcquire(new AcquireRequest("bounded-more", UUID.randomUUID().toString(),
                    Duration.ofSeconds(45), false)))
                    .isInstanceOf(LockBackendException.class)
                    .hasMessageContaining("8 sessions are open already")
                    .hasMessageContaining("a lease of 45000ms would need another");
        }
    }

    @Test
    void aRenewalCannotLengthenTheLeaseThatTheLocksSessionGuarantees() {
        try (ZooKeeperLockBackend backend = ZooKeeperLockBackend.create(ZooKeeperSettings.builder(zookeeper.connectString()).build())) {
            String owner = UUID.randomUUID().toString();
            assertThat(backend.tryAcquire(new AcquireRequest("renewed", owner, LEASE, false))).isInstanceOf(AcquireResult.Granted.class);

            assertThat(backend.renew("renewed", owner, LEASE)).isTrue();
            assertThatThrownBy(() -> backend.renew("renewed", owner, Duration.ofSeconds(10)))
                    .isInstanceOf(LockBackendException.class)
                    .hasMessageContaining("lease of 10000ms for a lock taken with a lease of 3000ms");
            assertThat(backend.renewAll(List.of(new RenewRequest("renewed", owner, LEASE)))).extracting(RenewResult::extended)
                    .containsExactly(true);
            assertThatThrownBy(() -> backend.renewAll(List.of(new RenewRequest("renewed", owner, LEASE),
                    new RenewRequest("renewed", owner, Duration.ofSeconds(10)))))
                    .isInstanceOf(LockBackendException.class)
                    .hasMessageContaining("lease of 10000ms for a lock taken with a lease of 3000ms");
            assertThat(backend.release("renewed", owner)).isTrue();
        }
    }

    @Test
    void onTheApplicationsClientALeaseShorterThanItsSessionTimeoutIsRefused() throws Exception {
        try (CuratorFramework client = CuratorFrameworkFactory.newClient(zookeeper.connectString(), 10_000, 5_000,
                new RetryOneTime(100))) {
            client.start();
            try (ZooKeeperLockBackend backend = new ZooKeeperLockBackend(client, "/distlock")) {
                assertThat(backend.refusal(LEASE)).hasValueSatisfying(reason -> assertThat(reason)
                        .contains("lease of 3000ms").contains("session timeout of 10000ms")
                        .contains("let distlock open a session per lease"));
                String owner = UUID.randomUUID().toString();
                assertThat(backend.tryAcquire(new AcquireRequest("app-client", owner, Duration.ofSeconds(10), false)))
                        .isInstanceOf(AcquireResult.Granted.class);
                assertThat(backend.release("app-client", owner)).isTrue();
            }
        }
    }
}
