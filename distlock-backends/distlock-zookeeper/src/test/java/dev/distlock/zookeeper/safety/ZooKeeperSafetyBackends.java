package dev.distlock.zookeeper.safety;

import java.time.Duration;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

import dev.distlock.spi.LockBackend;
import dev.distlock.testsupport.safety.BackendSpec;
import dev.distlock.testsupport.safety.SafetyBackendFactory;
import dev.distlock.zookeeper.ZooKeeperLockBackend;

/**
 * Builds the ZooKeeper backend in a safety client JVM: type {@code zookeeper}, values
 * {@code connectString}, {@code sessionTimeout}, {@code connectionTimeout}.
 *
 * <p>On a Curator client of its own, as an application may pass one, with Curator's ensemble tracker
 * off: the tracker reads the ensemble's membership from {@code /zookeeper/config} and would replace
 * the connect string with the servers' real addresses, so a client put behind a fault proxy would
 * slip past it after its first reconnection.
 */
public final class ZooKeeperSafetyBackends implements SafetyBackendFactory {

    @Override
    public LockBackend create(BackendSpec spec) {
        if (!spec.type().equals("zookeeper")) {
            throw new IllegalArgumentException("Not a ZooKeeper backend: " + spec);
        }
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(spec.value("connectString"))
                .sessionTimeoutMs(millis(spec.value("sessionTimeout")))
                .connectionTimeoutMs(millis(spec.value("connectionTimeout")))
                .retryPolicy(new ExponentialBackoffRetry(50, 1, 200))
                .ensembleTracker(false)
                .build();
        client.start();
        return new ZooKeeperLockBackend(client, "/distlock");
    }

    private static int millis(String duration) {
        return Math.toIntExact(Duration.parse(duration).toMillis());
    }
}
