package dev.distlock.etcd;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.LockBackendContract;
import dev.distlock.testsupport.EtcdServerFixture;

/** The backend contract against a single etcd member. */
class EtcdLockBackendContractIT extends LockBackendContract {

    private static EtcdServerFixture etcd;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdServerFixture.start();
    }

    @AfterAll
    static void stopEtcd() {
        etcd.close();
    }

    @Override
    protected LockBackend newBackend() {
        return new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()));
    }
}
