package dev.distlock.etcd;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.LockBackendContract;
import dev.distlock.testsupport.EtcdClusterFixture;

/** The backend contract against a 3-member etcd cluster; each backend knows every member. */
class EtcdClusterLockBackendContractIT extends LockBackendContract {

    private static EtcdClusterFixture cluster;

    @BeforeAll
    static void startCluster() {
        cluster = EtcdClusterFixture.start(3);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Override
    protected LockBackend newBackend() {
        return new EtcdLockBackend(EtcdSettings.of(cluster.clientUrls().toArray(String[]::new)));
    }
}
