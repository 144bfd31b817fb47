package dev.distlock.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;

/**
 * Three ZooKeeper servers in this JVM, of which one (the <em>follower</em>, server 1) reaches the
 * others' quorum ports through a {@link FaultProxy} each. {@link #cutFollowerFromLeader()} silences
 * those links: the follower is partitioned from the leader, yet goes on serving its clients from
 * its own, now stale, copy of the data, while the leader and the third server carry on as a
 * majority and expire the sessions of the follower's clients (nobody forwards their pings any
 * more). That is the window in which a plain read on the follower lies.
 *
 * <p>The servers allow 40 ticks (20 s) of silence between leader and follower ({@code syncLimit}),
 * so that neither side notices the partition for the length of a test. The follower starts last,
 * with the lowest server id: the leader is always one of the other two.
 */
public final class CuttableFollowerEnsemble implements AutoCloseable {

    private static final Map<String, Object> SLOW_TO_NOTICE = Map.of("syncLimit", "40");

    private final InstanceSpec follower;
    private final List<InstanceSpec> others;
    private final List<FaultProxy> links;
    private final TestingCluster cluster;

    private CuttableFollowerEnsemble(InstanceSpec follower, List<InstanceSpec> others, List<FaultProxy> links,
            TestingCluster cluster) {
        this.follower = follower;
        this.others = others;
        this.links = links;
        this.cluster = cluster;
    }

    /** A started ensemble; the follower is connected to the leader through the proxies. */
    public static CuttableFollowerEnsemble start() {
        InstanceSpec follower = ZooKeeperServerFixture.spec(1, SLOW_TO_NOTICE);
        List<InstanceSpec> others = List.of(ZooKeeperServerFixture.spec(2, SLOW_TO_NOTICE),
                ZooKeeperServerFixture.spec(3, SLOW_TO_NOTICE));
        List<FaultProxy> links = new ArrayList<>();
        List<InstanceSpec> followersView = new ArrayList<>(List.of(follower));
        for (InstanceSpec other : others) {
            FaultProxy link = FaultProxy.to(other.getQuorumPort());
            links.add(link);
            followersView.add(new InstanceSpec(other.getDataDirectory(), other.getPort(), other.getElectionPort(),
                    link.port(), false, other.getServerId(), other.getTickTime(), other.getMaxClientCnxns(),
                    other.getCustomProperties(), other.getHostname()));
        }
        List<InstanceSpec> everyone = new ArrayList<>(others);
        everyone.add(0, follower);
        // Each server is configured with its own view of the ensemble; the follower's goes through the links.
        Map<InstanceSpec, Collection<InstanceSpec>> views = new LinkedHashMap<>();
        others.forEach(other -> views.put(other, everyone));
        views.put(follower, followersView);
        TestingCluster cluster = new TestingCluster(views);
        try {
            cluster.start();
            return new CuttableFollowerEnsemble(follower, others, links, cluster);
        } catch (Exception e) {
            closeQuietly(cluster);
            links.forEach(FaultProxy::close);
            throw new IllegalStateException("Could not start an in-JVM ZooKeeper ensemble with a cuttable follower", e);
        }
    }

    /** The follower alone: a client of it reads what the follower has. */
    public String followerConnectString() {
        return follower.getConnectString();
    }

    /** The leader and the other follower, which form a majority without the follower. */
    public String majorityConnectString() {
        return others.get(0).getConnectString() + "," + others.get(1).getConnectString();
    }

    /** Silences the follower's links to the other servers in both directions; nothing is closed. */
    public void cutFollowerFromLeader() {
        links.forEach(FaultProxy::blackhole);
    }

    @Override
    public void close() {
        try {
            links.forEach(FaultProxy::close);
            cluster.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
