package dev.distlock.autoconfigure.zookeeper;

import java.time.Duration;
import java.util.Optional;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.distlock.DistributedLock;
import dev.distlock.DistributedLocks;
import dev.distlock.Lease;
import dev.distlock.autoconfigure.BackendModules;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.autoconfigure.backend.LockBackendFailureAnalyzer;
import dev.distlock.engine.LockEngine;
import dev.distlock.inmemory.InMemoryLockBackend;
import dev.distlock.testsupport.ZooKeeperServerFixture;
import dev.distlock.zookeeper.ZooKeeperLockBackend;

import static org.assertj.core.api.Assertions.assertThat;

/** Each branch of the ZooKeeper backend's auto-configuration, against a real in-JVM ZooKeeper. */
class ZooKeeperLockBackendConfigurationIT {

    private static ZooKeeperServerFixture zookeeper;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class));

    @BeforeAll
    static void startServer() {
        zookeeper = ZooKeeperServerFixture.single();
    }

    @AfterAll
    static void stopServer() {
        zookeeper.close();
    }

    @Test
    void aConnectStringAloneSelectsTheZooKeeperBackend() {
        runner.withPropertyValues("distlock.zookeeper.connect-string=" + zookeeper.connectString()).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(ZooKeeperLockBackend.class);
            assertThat(context.getBean(LockEngine.class).backend()).isInstanceOf(ZooKeeperLockBackend.class);
            assertThat(context.getBean(ZooKeeperLockBackend.class).health().up()).isTrue();
        });
    }

    @Test
    void propertiesReachTheSettings() {
        runner.withPropertyValues("distlock.zookeeper.connect-string=zk1:2181,zk2:2181/app",
                "distlock.zookeeper.session-timeout=12s", "distlock.zookeeper.base-path=/locks",
                "distlock.zookeeper.digest-auth=orders:secret", "distlock.zookeeper.node-acl=creator-all",
                "distlock.zookeeper.retry.max-attempts=5").run(context -> {
            var settings = context.getBean(ZooKeeperLockProperties.class).toSettings();
            assertThat(settings.connectString()).isEqualTo("zk1:2181,zk2:2181/app");
            assertThat(settings.sessionTimeout()).isEqualTo(Duration.ofSeconds(12));
            assertThat(settings.basePath()).isEqualTo("/locks");
            assertThat(settings.digestAuth()).isEqualTo("orders:secret");
            assertThat(settings.nodeAcl()).isEqualTo(dev.distlock.zookeeper.ZooKeeperSettings.NodeAcl.CREATOR_ALL);
            assertThat(settings.retryMaxAttempts()).isEqualTo(5);
        });
    }

    @Test
    void theApplicationsCuratorFrameworkIsUsedAndNotClosed() {
        CuratorFramework[] seen = new CuratorFramework[1];
        runner.withUserConfiguration(ApplicationCurator.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(ZooKeeperLockBackend.class);
            seen[0] = context.getBean(CuratorFramework.class);
            Optional<Lease> lease = context.getBean(DistributedLocks.class)
                    .tryAcquire("shared-client", Duration.ofSeconds(30), Duration.ZERO);
            assertThat(lease).isPresent();
            lease.get().close();
        });
        // The context closed the lock backend; the client is the application's and was closed by its own bean.
        assertThat(seen[0].getState()).isEqualTo(CuratorFrameworkState.STOPPED);
    }

    @Test
    void withoutTheModuleTheZooKeeperPropertiesDoNotMatter() {
        runner.withClassLoader(BackendModules.none())
                .withPropertyValues("distlock.zookeeper.connect-string=" + zookeeper.connectString())
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(InMemoryLockBackend.class));
    }

    @Test
    void askingForZooKeeperWithoutAConnectStringFailsNamingTheProperty() {
        runner.withPropertyValues("distlock.backend=zookeeper").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new LockBackendFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("distlock.zookeeper.connect-string");
            assertThat(analysis.getAction()).contains("distlock.zookeeper.connect-string");
        });
    }

    @Test
    void twoApplicationsOnOneEnsembleExcludeEachOther() {
        ApplicationContextRunner app = runner.withPropertyValues(
                "distlock.zookeeper.connect-string=" + zookeeper.connectString());
        app.run(first -> app.run(second -> {
            DistributedLocks one = first.getBean(DistributedLocks.class);
            DistributedLocks other = second.getBean(DistributedLocks.class);
            try (Lease held = one.tryAcquire("report", Duration.ofSeconds(30), Duration.ZERO).orElseThrow()) {
                assertThat(other.tryAcquire("report", Duration.ofSeconds(30), Duration.ZERO)).isEmpty();
            }
            Lease next = other.tryAcquire("report", Duration.ofSeconds(30), Duration.ofSeconds(5)).orElseThrow();
            next.close();
        }));
    }

    @Test
    void aLeaseTheServersCannotMakeTheCrashRecoveryTimeFailsStartUpNamingItAndTheFix() {
        runner.withPropertyValues("distlock.zookeeper.connect-string=" + zookeeper.connectString())
                .withBean("shortLeaseJob", ShortLeaseJob.class)
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure())
                            .hasStackTraceContaining("ShortLeaseJob.run() of bean 'shortLeaseJob'")
                            .hasStackTraceContaining("attribute 'lease'")
                            .hasStackTraceContaining("lease of 300ms")
                            .hasStackTraceContaining("session timeout of 1000ms")
                            .hasStackTraceContaining("minSessionTimeout");
                });
    }

    @Test
    void aLeaseWithinTheServersSessionBoundsStarts() {
        runner.withPropertyValues("distlock.zookeeper.connect-string=" + zookeeper.connectString())
                .withBean("threeSecondJob", ThreeSecondJob.class)
                .run(context -> assertThat(context).hasNotFailed());
    }

    public static class ShortLeaseJob {
        @DistributedLock(lease = "300ms")
        public void run() {
        }
    }

    public static class ThreeSecondJob {
        @DistributedLock(lease = "3s")
        public void run() {
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ApplicationCurator {

        @Bean(initMethod = "start", destroyMethod = "close")
        CuratorFramework curatorFramework() {
            // Its session timeout is the crash-recovery time of every lock on it: no shorter than the leases.
            return CuratorFrameworkFactory.newClient(zookeeper.connectString(), 30_000, 5_000, new RetryOneTime(100));
        }
    }
}
