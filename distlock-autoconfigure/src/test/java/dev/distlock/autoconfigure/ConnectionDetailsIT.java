package dev.distlock.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.distlock.DistributedLocks;
import dev.distlock.Lease;
import dev.distlock.autoconfigure.etcd.EtcdLockConnectionDetails;
import dev.distlock.autoconfigure.redis.RedlockConnectionDetails;
import dev.distlock.autoconfigure.zookeeper.ZooKeeperLockConnectionDetails;
import dev.distlock.etcd.EtcdLockBackend;
import dev.distlock.redis.RedlockLockBackend;
import dev.distlock.testsupport.EtcdServerFixture;
import dev.distlock.testsupport.RedisServerFixture;
import dev.distlock.testsupport.ZooKeeperServerFixture;
import dev.distlock.zookeeper.ZooKeeperLockBackend;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A ConnectionDetails bean of the application's, as a Testcontainers test declares one from its
 * container's mapped port, connects distlock's backend with no {@code distlock.*} connection
 * property set: it alone selects the backend and gives it its servers.
 */
class ConnectionDetailsIT {

    private static EtcdServerFixture etcd;
    private static ZooKeeperServerFixture zookeeper;
    private static List<RedisServerFixture> redlockNodes;

    @BeforeAll
    static void startServers() {
        etcd = EtcdServerFixture.start();
        zookeeper = ZooKeeperServerFixture.single();
        redlockNodes = Stream.generate(RedisServerFixture::start).limit(3).toList();
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (etcd != null) {
            etcd.close();
        }
        if (zookeeper != null) {
            zookeeper.close();
        }
        if (redlockNodes != null) {
            redlockNodes.forEach(RedisServerFixture::close);
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class));

    @Test
    void etcdConnectionDetailsSelectAndConnectTheEtcdBackend() {
        runner.withClassLoader(BackendModules.only("dev.distlock.etcd"))
                .withBean(EtcdLockConnectionDetails.class, () -> () -> List.of(URI.create(etcd.clientUrl())))
                .run(context -> {
                    assertThat(context).hasSingleBean(EtcdLockBackend.class);
                    assertGrants(context);
                });
    }

    @Test
    void zooKeeperConnectionDetailsSelectAndConnectTheZooKeeperBackend() {
        runner.withClassLoader(BackendModules.only("dev.distlock.zookeeper"))
                .withBean(ZooKeeperLockConnectionDetails.class, () -> zookeeper::connectString)
                .run(context -> {
                    assertThat(context).hasSingleBean(ZooKeeperLockBackend.class);
                    assertGrants(context);
                });
    }

    @Test
    void redlockConnectionDetailsGiveTheRedlockNodes() {
        runner.withClassLoader(BackendModules.only("dev.distlock.redis"))
                .withPropertyValues("distlock.redis.mode=redlock", "distlock.redis.node-timeout=1s")
                .withBean(RedlockConnectionDetails.class, () -> () -> redlockNodes.stream().map(RedisServerFixture::uri).toList())
                .run(context -> {
                    assertThat(context).hasSingleBean(RedlockLockBackend.class);
                    assertGrants(context);
                });
    }

    private static void assertGrants(AssertableApplicationContext context) {
        assertThat(context).hasNotFailed();
        Optional<Lease> acquired = context.getBean(DistributedLocks.class)
                .tryAcquire("connection-details", Duration.ofSeconds(10), Duration.ofSeconds(5));
        assertThat(acquired).isPresent();
        acquired.get().close();
    }
}
