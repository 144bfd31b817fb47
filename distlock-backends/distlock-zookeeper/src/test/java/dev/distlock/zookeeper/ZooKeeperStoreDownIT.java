package dev.distlock.zookeeper;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.StoreDownContract;
import dev.distlock.testsupport.FaultProxy;
import dev.distlock.testsupport.ZooKeeperServerFixture;

/**
 * One ZooKeeper server (in this JVM, so a pause is a proxy that passes nothing), with the backend's
 * default session, connection and retry settings.
 */
class ZooKeeperStoreDownIT extends StoreDownContract {

    @Override
    protected Store startStore() {
        ZooKeeperServerFixture zookeeper = ZooKeeperServerFixture.single();
        int port = Integer.parseInt(zookeeper.connectString().substring(zookeeper.connectString().lastIndexOf(':') + 1));
        FaultProxy proxy = FaultProxy.to(port);
        return new Store() {
            @Override
            public LockBackend newBackend() {
                return ZooKeeperLockBackend.create(ZooKeeperSettings.builder("127.0.0.1:" + proxy.port()).build());
            }

            @Override
            public void kill() {
                zookeeper.killServerOf(null);
            }

            @Override
            public void pause() {
                proxy.blackhole();
            }

            @Override
            public void close() {
                proxy.close();
                zookeeper.close();
            }
        };
    }
}
