package dev.distlock.testsupport;

import java.time.Duration;

/**
 * A single etcd member on free loopback ports with its own data directory; see {@link EtcdClusterFixture}.
 */
public final class EtcdServerFixture implements AutoCloseable {

    private final EtcdClusterFixture cluster;

    private EtcdServerFixture(EtcdClusterFixture cluster) {
        this.cluster = cluster;
    }

    public static EtcdServerFixture start() {
        return new EtcdServerFixture(EtcdClusterFixture.start(1));
    }

    /** A member with the given election timeout; see {@link EtcdClusterFixture#start(int, Duration)}. */
    public static EtcdServerFixture start(Duration electionTimeout) {
        return new EtcdServerFixture(EtcdClusterFixture.start(1, electionTimeout));
    }

    /**
     * A member whose client URL speaks only TLS and demands a client certificate signed by the CA of
     * {@code certificates}; see {@link EtcdClusterFixture#start(int, Duration, TestCertificates)}.
     */
    public static EtcdServerFixture startTls(TestCertificates certificates) {
        return new EtcdServerFixture(EtcdClusterFixture.start(1, EtcdClusterFixture.FAST_ELECTION_TIMEOUT, certificates));
    }

    /** {@code http://127.0.0.1:<port>}, {@code https://} for a member started by {@link #startTls}. */
    public String clientUrl() {
        return cluster.clientUrl(0);
    }

    public LocalServerProcess process() {
        return cluster.process(0);
    }

    @Override
    public void close() {
        cluster.close();
    }
}
