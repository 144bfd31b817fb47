package dev.distlock.etcd;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.StoreDownContract;
import dev.distlock.testsupport.EtcdServerFixture;

/** One etcd member, with the backend's default connect and request timeouts (5 s each). */
class EtcdStoreDownIT extends StoreDownContract {

    @Override
    protected Store startStore() {
        EtcdServerFixture etcd = EtcdServerFixture.start();
        return new Store() {
            @Override
            public LockBackend newBackend() {
                return new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()));
            }

            @Override
            public void kill() {
                etcd.process().kill();
            }

            @Override
            public void pause() {
                etcd.process().pause();
            }

            @Override
            public void close() {
                etcd.close();
            }
        };
    }
}
