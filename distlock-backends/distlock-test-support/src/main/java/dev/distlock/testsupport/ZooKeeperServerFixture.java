package dev.distlock.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.apache.curator.test.TestingZooKeeperServer;
import org.apache.curator.test.ZooKeeperServerEmbeddedAdapter;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.server.DataNode;
import org.apache.zookeeper.server.DataTree;
import org.apache.zookeeper.server.ServerCnxn;

/**
 * A real ZooKeeper for tests, in the test JVM through Curator's test server: one node
 * ({@link #single()}) or an ensemble ({@link #cluster(int)}), on free loopback ports, with data in
 * temporary directories that are deleted on {@link #close()}. Needs {@code org.apache.curator:curator-test}
 * on the test class path.
 *
 * <p>Before the first server starts, it sets (unless already set) JVM-wide ZooKeeper server
 * properties for fast tests: no fsync of the transaction log, empty container nodes reaped every
 * 100 ms without the default limit of 10,000 per minute, and no admin HTTP server. Its servers grant
 * session timeouts of 1 s to 60 s.
 */
public final class ZooKeeperServerFixture implements AutoCloseable {

    /** Short ticks, for fast session expiry. */
    private static final int TICK_TIME_MS = 500;
    /** Shortest session timeout granted (ZooKeeper's default of 2 ticks, stated): the shortest lease on this server. */
    public static final int MIN_SESSION_TIMEOUT_MS = 1_000;
    /** Longest session timeout granted: 60 s, so that the default 30 s lease is one (20 ticks would be 10 s). */
    public static final int MAX_SESSION_TIMEOUT_MS = 60_000;

    static {
        setIfAbsent("zookeeper.forceSync", "no");
        setIfAbsent("znode.container.checkIntervalMs", "100");
        setIfAbsent("znode.container.maxPerMinute", "100000000");
        setIfAbsent("zookeeper.admin.enableServer", "false");
    }

    private final TestingServer server;
    private final TestingCluster cluster;

    private ZooKeeperServerFixture(TestingServer server, TestingCluster cluster) {
        this.server = server;
        this.cluster = cluster;
    }

    /** One started ZooKeeper server. */
    public static ZooKeeperServerFixture single() {
        try {
            return new ZooKeeperServerFixture(new TestingServer(spec(), true), null);
        } catch (Exception e) {
            throw new IllegalStateException("Could not start an in-JVM ZooKeeper server", e);
        }
    }

    /** A started ensemble of {@code size} servers, with a leader elected. */
    public static ZooKeeperServerFixture cluster(int size) {
        List<InstanceSpec> specs = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            specs.add(spec());
        }
        TestingCluster cluster = new TestingCluster(specs);
        try {
            cluster.start();
            return new ZooKeeperServerFixture(null, cluster);
        } catch (Exception e) {
            closeQuietly(cluster);
            throw new IllegalStateException("Could not start an in-JVM ZooKeeper ensemble of " + size, e);
        }
    }

    public String connectString() {
        return server != null ? server.getConnectString() : cluster.getConnectString();
    }

    public boolean isCluster() {
        return cluster != null;
    }

    /**
     * Stops the server that {@code client} is connected to, as a crash would (its sessions are not
     * closed). Returns it, for {@link #restart(InstanceSpec)}; null when no server had the client.
     */
    public InstanceSpec killServerOf(ZooKeeper client) {
        try {
            if (server != null) {
                server.stop();
                return null;
            }
            InstanceSpec instance = cluster.findConnectionInstance(client);
            if (instance != null) {
                cluster.killServer(instance);
            }
            return instance;
        } catch (Exception e) {
            throw new IllegalStateException("Could not kill the ZooKeeper server of a client", e);
        }
    }

    /**
     * Stops server {@code index} of the ensemble as a crash would (its sessions are not closed).
     * Returns it, for {@link #restart(InstanceSpec)}.
     */
    public InstanceSpec killServer(int index) {
        if (cluster == null) {
            throw new IllegalStateException("killServer(int) is for an ensemble; a single server has killServerOf");
        }
        InstanceSpec instance = new ArrayList<>(cluster.getInstances()).get(index);
        try {
            cluster.killServer(instance);
            return instance;
        } catch (Exception e) {
            throw new IllegalStateException("Could not kill ZooKeeper server " + index, e);
        }
    }

    /** Starts a killed server again, on its old port and data; {@code instance} null for {@link #single()}. */
    public void restart(InstanceSpec instance) {
        try {
            if (server != null) {
                server.restart();
            } else {
                cluster.restartServer(instance);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Could not restart a ZooKeeper server", e);
        }
    }

    /**
     * Test hook into the single server's data: raises the child counter ({@code cversion}) of the
     * existing node {@code path} to {@code cversion}, as that many creates of children would.
     * ZooKeeper numbers the next sequential child of {@code path} with it, so a test reaches the
     * limit of that signed 32-bit counter without 2^31 round trips. Call it while no request
     * changes {@code path}'s children.
     */
    public void raiseChildVersion(String path, int cversion) {
        if (server == null) {
            throw new IllegalStateException("raiseChildVersion is for a single server (ZooKeeperServerFixture.single())");
        }
        try {
            DataTree tree = dataTreeOf(server);
            DataNode node = tree.getNode(path);
            if (node == null) {
                throw new IllegalArgumentException("raiseChildVersion: no node " + path + "; create it first");
            }
            tree.setCversionPzxid(path, cversion, node.stat.getPzxid());
        } catch (ReflectiveOperationException | KeeperException e) {
            throw new IllegalStateException("Could not raise the child version of " + path, e);
        }
    }

    /**
     * Test hook into the single server: the requests it has received so far on the connections of
     * session {@code sessionId} (each ZooKeeper call is one request and one round trip; pings count
     * too, but a client sends one only after a third of its session timeout without a request).
     * Counting before and after an operation tells how many round trips it took.
     */
    public long requestsReceivedFrom(long sessionId) {
        if (server == null) {
            throw new IllegalStateException("requestsReceivedFrom is for a single server (ZooKeeperServerFixture.single())");
        }
        try {
            long received = 0;
            for (ServerCnxn connection : embeddedOf(server).getServerCnxnFactory().getConnections()) {
                if (connection.getSessionId() == sessionId) {
                    received += connection.getPacketsReceived();
                }
            }
            return received;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Could not read the request count of session " + Long.toHexString(sessionId), e);
        }
    }

    private static DataTree dataTreeOf(TestingServer server) throws ReflectiveOperationException {
        return embeddedOf(server).getServerCnxnFactory().getZooKeeperServer().getZKDatabase().getDataTree();
    }

    /** curator-test keeps its server behind package-private accessors: this is the one place that reaches in. */
    private static ZooKeeperServerEmbeddedAdapter embeddedOf(TestingServer server) throws ReflectiveOperationException {
        Method testingServer = TestingServer.class.getDeclaredMethod("getTestingZooKeeperServer");
        testingServer.setAccessible(true);
        Method main = TestingZooKeeperServer.class.getDeclaredMethod("getMain");
        main.setAccessible(true);
        Object face = main.invoke(testingServer.invoke(server));
        if (!(face instanceof ZooKeeperServerEmbeddedAdapter embedded)) {
            throw new IllegalStateException("Unexpected in-process ZooKeeper server " + face.getClass().getName()
                    + ": the test hook knows curator-test's ZooKeeperServerEmbeddedAdapter only");
        }
        return embedded;
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.close();
            } else {
                cluster.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InstanceSpec spec() {
        return spec(-1, Map.of());
    }

    /**
     * A server on free loopback ports with the fixture's tick; {@code serverId} -1 for the next free
     * one, {@code properties} added to its configuration.
     */
    static InstanceSpec spec(int serverId, Map<String, Object> properties) {
        // clientPortAddress: listen on loopback only; the hostname pins quorum and election ports too.
        Map<String, Object> all = new HashMap<>(properties);
        all.put("clientPortAddress", "127.0.0.1");
        all.putIfAbsent("minSessionTimeout", String.valueOf(MIN_SESSION_TIMEOUT_MS));
        all.putIfAbsent("maxSessionTimeout", String.valueOf(MAX_SESSION_TIMEOUT_MS));
        return new InstanceSpec(null, FreePorts.next(), FreePorts.next(), FreePorts.next(), true, serverId,
                TICK_TIME_MS, -1, all, "127.0.0.1");
    }

    private static void setIfAbsent(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }

    private static void closeQuietly(TestingCluster cluster) {
        try {
            cluster.close();
        } catch (IOException | RuntimeException e) {
            // start failed already; that error is the one to report
        }
    }
}
