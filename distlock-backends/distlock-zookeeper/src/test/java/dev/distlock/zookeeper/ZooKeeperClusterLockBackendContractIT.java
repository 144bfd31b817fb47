package dev.distlock.zookeeper;

import java.time.Duration;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.LockBackendContract;
import dev.distlock.testsupport.ZooKeeperServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract on a three-server ensemble: clients are spread over the servers, so a waiter may
 * read from a follower while the holder wrote through another.
 */
class ZooKeeperClusterLockBackendContractIT extends LockBackendContract {

    private static ZooKeeperServerFixture zookeeper;

    @BeforeAll
    static void startEnsemble() {
        zookeeper = ZooKeeperServerFixture.cluster(3);
    }

    @AfterAll
    static void stopEnsemble() {
        zookeeper.close();
    }

    @Override
    protected LockBackend newBackend() {
        return ZooKeeperLockBackend.create(ZooKeeperSettings.builder(zookeeper.connectString())
                .sessionTimeout(Duration.ofSeconds(4))
                .build());
    }

    /** A lock's node lives in the session of its lease: a renewal cannot lengthen it (see ZooKeeperLeaseIT). */
    @Override
    protected Duration renewalLease(Duration granted, Duration wanted) {
        return granted;
    }
}
