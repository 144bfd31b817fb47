package dev.distlock.zookeeper.safety;

import java.time.Duration;

import dev.distlock.spi.LockBackend;
import dev.distlock.testsupport.safety.BackendSpec;
import dev.distlock.testsupport.safety.SafetyBackendFactory;
import dev.distlock.zookeeper.ZooKeeperLockBackend;
import dev.distlock.zookeeper.ZooKeeperSettings;

/**
 * Builds the ZooKeeper backend in a safety client JVM: type {@code zookeeper}, values
 * {@code connectString}, {@code sessionTimeout}, {@code connectionTimeout}.
 */
public final class ZooKeeperSafetyBackends implements SafetyBackendFactory {

    @Override
    public LockBackend create(BackendSpec spec) {
        if (!spec.type().equals("zookeeper")) {
            throw new IllegalArgumentException("Not a ZooKeeper backend: " + spec);
        }
        return ZooKeeperLockBackend.create(ZooKeeperSettings.builder(spec.value("connectString"))
                .sessionTimeout(Duration.parse(spec.value("sessionTimeout")))
                .connectionTimeout(Duration.parse(spec.value("connectionTimeout")))
                .retry(Duration.ofMillis(50), Duration.ofMillis(200), 1)
                .build());
    }
}
