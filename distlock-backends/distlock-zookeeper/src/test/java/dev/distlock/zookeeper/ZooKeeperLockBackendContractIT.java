package dev.distlock.zookeeper;

import java.time.Duration;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.LockBackendContract;
import dev.distlock.testsupport.ZooKeeperServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract on one ZooKeeper server; every backend has its own Curator client and session. */
class ZooKeeperLockBackendContractIT extends LockBackendContract {

    private static ZooKeeperServerFixture zookeeper;

    @BeforeAll
    static void startServer() {
        zookeeper = ZooKeeperServerFixture.single();
    }

    @AfterAll
    static void stopServer() {
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
