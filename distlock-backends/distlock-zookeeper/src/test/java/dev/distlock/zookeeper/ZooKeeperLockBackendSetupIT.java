package dev.distlock.zookeeper;

import static dev.distlock.testsupport.BackendCalls.owner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.LockBackendException;
import dev.distlock.testsupport.ZooKeeperServerFixture;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Building the backend from settings or from the application's client, ACLs, health. */
class ZooKeeperLockBackendSetupIT {

    private static final Duration LEASE = Duration.ofSeconds(30);

    private static ZooKeeperServerFixture zookeeper;

    @BeforeAll
    static void start() {
        zookeeper = ZooKeeperServerFixture.single();
    }

    @AfterAll
    static void stop() {
        zookeeper.close();
    }

    @Test
    void anApplicationsClientIsUsedAsIsAndNotClosed() {
        try (CuratorFramework client = newClient(null)) {
            client.start();
            ZooKeeperLockBackend backend = new ZooKeeperLockBackend(client, "/app-locks");
            String owner = owner();
            assertThat(backend.tryAcquire(new AcquireRequest("k", owner, LEASE, false))).isInstanceOf(AcquireResult.Granted.class);

            backend.close();

            assertThat(client.getState()).isEqualTo(CuratorFrameworkState.STARTED);
            // Closing the backend deleted what it held, though the application's session lives on.
            try (ZooKeeperLockBackend next = new ZooKeeperLockBackend(client, "/app-locks")) {
                assertThat(next.tryAcquire(new AcquireRequest("k", owner(), LEASE, false))).isInstanceOf(AcquireResult.Granted.class);
            }
        }
    }

    @Test
    void aClientWithANamespaceReleasesAndRenewsItsLocks() {
        try (CuratorFramework client = newClient(null, "app-" + UUID.randomUUID())) {
            client.start();
            try (ZooKeeperLockBackend backend = new ZooKeeperLockBackend(client, "/locks");
                 ZooKeeperLockBackend other = new ZooKeeperLockBackend(client, "/locks")) {
                String owner = owner();
                assertThat(backend.tryAcquire(new AcquireRequest("k", owner, LEASE, false))).isInstanceOf(AcquireResult.Granted.class);
                assertThat(backend.renew("k", owner, LEASE)).isTrue();

                assertThat(backend.release("k", owner)).as("released").isTrue();

                assertThat(other.tryAcquire(new AcquireRequest("k", owner(), LEASE, false)))
                        .as("the key is free again for another backend on the namespaced client")
                        .isInstanceOf(AcquireResult.Granted.class);

                String fairOwner = owner();
                String waiter = owner();
                assertThat(backend.tryAcquire(new AcquireRequest("fair", fairOwner, LEASE, true))).isInstanceOf(AcquireResult.Granted.class);
                assertThat(other.tryAcquire(new AcquireRequest("fair", waiter, LEASE, true))).isInstanceOf(AcquireResult.Denied.class);
                assertThat(backend.release("fair", fairOwner)).isTrue();
                assertThat(other.tryAcquire(new AcquireRequest("fair", waiter, LEASE, true))).isInstanceOf(AcquireResult.Granted.class);
                assertThat(other.release("fair", waiter)).as("holder and queue node deleted together").isTrue();
            }
        }
    }

    @Test
    void anUnstartedClientIsRefusedWithWhatToDo() {
        try (CuratorFramework client = newClient(null)) {
            assertThatThrownBy(() -> new ZooKeeperLockBackend(client, "/distlock"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("client.start()");
        }
    }

    @Test
    void digestAclKeepsOtherUsersAwayFromTheLockNodes() throws Exception {
        String basePath = "/secured-" + UUID.randomUUID();
        ZooKeeperSettings settings = ZooKeeperSettings.builder(zookeeper.connectString())
                .basePath(basePath).digestAuth("alice:secret").nodeAcl(ZooKeeperSettings.NodeAcl.CREATOR_ALL).build();
        try (ZooKeeperLockBackend alice = ZooKeeperLockBackend.create(settings);
                CuratorFramework anonymous = newClient(null);
                CuratorFramework mallory = newClient("mallory:guess")) {
            anonymous.start();
            mallory.start();
            String owner = owner();
            assertThat(alice.tryAcquire(new AcquireRequest("k", owner, LEASE, true))).isInstanceOf(AcquireResult.Granted.class);
            String keyPath = basePath + "/k";

            assertThatThrownBy(() -> anonymous.getChildren().forPath(keyPath)).isInstanceOf(KeeperException.NoAuthException.class);
            try (ZooKeeperLockBackend malloryBackend = new ZooKeeperLockBackend(mallory, basePath)) {
                assertThatThrownBy(() -> malloryBackend.tryAcquire(new AcquireRequest("k", owner(), LEASE, true)))
                        .isInstanceOf(LockBackendException.class).hasRootCauseInstanceOf(KeeperException.NoAuthException.class);
            }
            try (ZooKeeperLockBackend aliceAgain = ZooKeeperLockBackend.create(settings)) {
                assertThat(aliceAgain.tryAcquire(new AcquireRequest("k", owner(), LEASE, true))).isInstanceOf(AcquireResult.Denied.class);
            }
            assertThat(alice.release("k", owner)).isTrue();
        }
    }

    @Test
    void settingsNeedAuthenticationForARestrictedAclAndNeverPrintThePassword() {
        assertThatThrownBy(() -> ZooKeeperSettings.builder("localhost:2181").nodeAcl(ZooKeeperSettings.NodeAcl.CREATOR_ALL).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("digestAuth");
        assertThatThrownBy(() -> ZooKeeperSettings.builder(" ").build()).hasMessageContaining("connect string");
        ZooKeeperSettings settings = ZooKeeperSettings.builder("localhost:2181").digestAuth("alice:secret").build();
        assertThat(settings.nodeAcl()).isEqualTo(ZooKeeperSettings.NodeAcl.CREATOR_ALL_WORLD_READ);
        assertThat(settings.toString()).contains("alice").doesNotContain("secret");
    }

    @Test
    void healthIsUpWithTheSessionAndDownWithoutAServer() {
        try (ZooKeeperServerFixture own = ZooKeeperServerFixture.single();
                ZooKeeperLockBackend backend = ZooKeeperLockBackend.create(ZooKeeperSettings.builder(own.connectString())
                        .connectionTimeout(Duration.ofSeconds(1)).build())) {
            BackendHealth up = backend.health();
            assertThat(up.up()).as(up.reason()).isTrue(); // health waits a moment for a starting client
            assertThat(up.details()).containsKeys("sessionId", "connectString");

            own.killServerOf(null);

            await().atMost(Duration.ofSeconds(10)).until(() -> !backend.health().up());
        }
    }

    private static CuratorFramework newClient(String digest) {
        return newClient(digest, null);
    }

    private static CuratorFramework newClient(String digest, String namespace) {
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(zookeeper.connectString())
                .namespace(namespace)
                .sessionTimeoutMs(Math.toIntExact(LEASE.toMillis())) // the crash-recovery time of its locks
                .retryPolicy(new RetryOneTime(100));
        if (digest != null) {
            builder.authorization("digest", digest.getBytes(StandardCharsets.UTF_8));
        }
        return builder.build();
    }
}
