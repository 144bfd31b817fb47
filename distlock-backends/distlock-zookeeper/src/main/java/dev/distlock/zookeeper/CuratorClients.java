package dev.distlock.zookeeper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;

/** Builds the Curator client that a backend created from {@link ZooKeeperSettings} owns. */
final class CuratorClients {

    private CuratorClients() {
    }

    /**
     * A started client whose session asks for {@code sessionTimeout}; the caller closes it. The
     * ensemble tracker is off: the client talks to the servers of the configured connect string (a
     * proxy or load balancer in it is not bypassed by the addresses in {@code /zookeeper/config}).
     */
    static CuratorFramework start(ZooKeeperSettings settings, Duration sessionTimeout) {
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(settings.connectString())
                .ensembleTracker(false)
                .sessionTimeoutMs(Math.toIntExact(sessionTimeout.toMillis()))
                .connectionTimeoutMs(Math.toIntExact(settings.connectionTimeout().toMillis()))
                .retryPolicy(new ExponentialBackoffRetry(
                        Math.toIntExact(settings.retryBaseSleep().toMillis()),
                        settings.retryMaxAttempts(),
                        Math.toIntExact(settings.retryMaxSleep().toMillis())))
                .aclProvider(aclProvider(settings.nodeAcl()));
        if (settings.digestAuth() != null) {
            builder.authorization("digest", settings.digestAuth().getBytes(StandardCharsets.UTF_8));
        }
        CuratorFramework client = builder.build();
        client.start();
        return client;
    }

    static ACLProvider aclProvider(ZooKeeperSettings.NodeAcl nodeAcl) {
        List<ACL> acl = acl(nodeAcl);
        return new ACLProvider() {
            @Override
            public List<ACL> getDefaultAcl() {
                return acl;
            }

            @Override
            public List<ACL> getAclForPath(String path) {
                return acl;
            }
        };
    }

    /** The ACL of every node our own clients create. */
    static List<ACL> acl(ZooKeeperSettings.NodeAcl nodeAcl) {
        return switch (nodeAcl) {
            case OPEN -> ZooDefs.Ids.OPEN_ACL_UNSAFE;
            case CREATOR_ALL -> ZooDefs.Ids.CREATOR_ALL_ACL;
            case CREATOR_ALL_WORLD_READ -> {
                List<ACL> both = new ArrayList<>(ZooDefs.Ids.CREATOR_ALL_ACL);
                both.addAll(ZooDefs.Ids.READ_ACL_UNSAFE);
                yield List.copyOf(both);
            }
        };
    }
}
