package dev.distlock.etcd;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.LockBackendContract;

/** The backend contract against a single etcd member. */
class EtcdLockBackendContractIT extends LockBackendContract {

    @RegisterExtension
    static final EtcdServer etcd = new EtcdServer();

    @Override
    protected LockBackend newBackend() {
        return new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()));
    }
}
