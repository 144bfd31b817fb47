package dev.distlock.zookeeper.safety;

import java.time.Duration;

import dev.distlock.spi.LockBackend;
import dev.distlock.testsupport.safety.BackendSpec;
import dev.distlock.testsupport.safety.SafetyBackendFactory;
import dev.distlock.zookeeper.ZooKeeperLockBackend;
import dev.distlock.zookeeper.ZooKeeperSettings;

/**
 * Builds the ZooKeeper backend in a safety client JVM: type {@code zookeeper}, values
 * {@code connectString}, {@code connectionTimeout}.
 *
 * <p>On distlock's own clients with the default session timeout (30 s): the lock nodes live in the
 * session that the backend opens for the run's lease, with the lease as its timeout, so the
 * recovery after a kill -9 is the lease's doing. Their ensemble tracker is off, so a client put
 * behind a fault proxy does not slip past it after its first reconnection.
 */
public final class ZooKeeperSafetyBackends implements SafetyBackendFactory {

    @Override
    public LockBackend create(BackendSpec spec) {
        if (!spec.type().equals("zookeeper")) {
            throw new IllegalArgumentException("Not a ZooKeeper backend: " + spec);
        }
        return ZooKeeperLockBackend.create(ZooKeeperSettings.builder(spec.value("connectString"))
                .connectionTimeout(Duration.parse(spec.value("connectionTimeout")))
                .retry(Duration.ofMillis(50), Duration.ofMillis(200), 1)
                .build());
    }
}
