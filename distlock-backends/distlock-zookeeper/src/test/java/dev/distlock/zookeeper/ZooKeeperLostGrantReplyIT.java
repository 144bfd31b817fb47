package dev.distlock.zookeeper;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.LostGrantReplyContract;
import dev.distlock.testsupport.ZooKeeperServerFixture;

/**
 * One ZooKeeper server: the create of the key's holder node is applied, its answer arrives after
 * the engine gave up on it, and the node (ours, in our live session) must not block the key.
 */
class ZooKeeperLostGrantReplyIT extends LostGrantReplyContract {

    @Override
    protected Store startStore() {
        ZooKeeperServerFixture zookeeper = ZooKeeperServerFixture.single();
        String connect = zookeeper.connectString();
        int port = Integer.parseInt(connect.substring(connect.lastIndexOf(':') + 1));
        return new Store() {
            @Override
            public int port() {
                return port;
            }

            @Override
            public LockBackend backendOn(int port) {
                ZooKeeperLockBackend backend = ZooKeeperLockBackend.create(ZooKeeperSettings.builder("127.0.0.1:" + port).build());
                // Connected before the test's first call, as an application's backend is by then: the
                // contract times the calls on a loaded machine, not the client's first connection.
                await("a session").atMost(Duration.ofSeconds(10)).until(() -> backend.health().up());
                return backend;
            }

            @Override
            public void close() {
                zookeeper.close();
            }
        };
    }
}
