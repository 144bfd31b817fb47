package dev.distlock.autoconfigure.zookeeper;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Where distlock's own Curator client connects: by default {@code distlock.zookeeper.connect-string};
 * declare a bean of this type (for example in a Testcontainers test) to replace it. Not used when
 * the application has its own {@code CuratorFramework} bean.
 */
public interface ZooKeeperLockConnectionDetails extends ConnectionDetails {

    /** ZooKeeper servers as host:port[,host:port...], optionally followed by a chroot path. */
    String getConnectString();
}
