package dev.distlock.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.awaitility.Awaitility;

/**
 * An etcd cluster of one or more members, each a real {@code etcd} process on free loopback ports
 * with its own temporary data directory, started by the test and stopped (data deleted) on close.
 *
 * <p>Raft timing is shortened (heartbeat 50 ms, election 500 ms) so that a new leader is elected
 * within about a second after the old one is killed, and etcd's minimum lease TTL (1.5 election
 * timeouts, rounded up to whole seconds) is 1 s instead of the default 2 s.
 */
public final class EtcdClusterFixture implements AutoCloseable {

    public static final String INSTALL_HINT = "apt-get install -y etcd-server";

    /** The shortened election timeout of {@link #start(int)}. */
    public static final Duration FAST_ELECTION_TIMEOUT = Duration.ofMillis(500);

    private final List<Member> members;
    private final Duration electionTimeout;
    private final TestCertificates tls;
    private final List<LocalServerProcess> processes = new ArrayList<>();

    /** {@code metricsPort} serves {@code /health} over plain HTTP, also when the client URL is TLS only. */
    private record Member(String name, int clientPort, int peerPort, int metricsPort, Path dataDir, boolean tls) {

        String clientUrl() {
            return (tls ? "https" : "http") + "://127.0.0.1:" + clientPort;
        }

        String metricsUrl() {
            return "http://127.0.0.1:" + metricsPort;
        }

        String peerUrl() {
            return "http://127.0.0.1:" + peerPort;
        }
    }

    private EtcdClusterFixture(List<Member> members, Duration electionTimeout, TestCertificates tls) {
        this.members = members;
        this.electionTimeout = electionTimeout;
        this.tls = tls;
    }

    /** Starts {@code size} members and waits until the cluster has a leader and answers. */
    public static EtcdClusterFixture start(int size) {
        return start(size, FAST_ELECTION_TIMEOUT);
    }

    /**
     * Starts {@code size} members with the given raft election timeout (heartbeat 50 ms). etcd's
     * minimum lease TTL follows from it: 1.5 election timeouts rounded up to whole seconds, so etcd's
     * default of 1 s gives a 2 s minimum.
     */
    public static EtcdClusterFixture start(int size, Duration electionTimeout) {
        return start(size, electionTimeout, null);
    }

    /**
     * As {@link #start(int, Duration)}, with client URLs that speak only TLS when {@code tls} is not
     * null: the server certificate of {@code tls}, and {@code --client-cert-auth}, so that a client
     * must present a certificate signed by its CA. Peers still talk plain HTTP on loopback.
     */
    public static EtcdClusterFixture start(int size, Duration electionTimeout, TestCertificates tls) {
        List<Member> members = IntStream.range(0, size)
                .mapToObj(i -> new Member("m" + i, FreePorts.next(), FreePorts.next(), FreePorts.next(),
                        tempDir("distlock-etcd-m" + i + "-"), tls != null))
                .toList();
        EtcdClusterFixture cluster = new EtcdClusterFixture(members, electionTimeout, tls);
        try {
            for (Member member : members) {
                cluster.processes.add(LocalServerProcess.start(cluster.command(member), member.clientPort(), INSTALL_HINT));
            }
            cluster.awaitHealthy();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public int size() {
        return members.size();
    }

    /** The client URL of every member, e.g. {@code http://127.0.0.1:40123} ({@code https} with TLS). */
    public List<String> clientUrls() {
        return members.stream().map(Member::clientUrl).toList();
    }

    public String clientUrl(int member) {
        return members.get(member).clientUrl();
    }

    public LocalServerProcess process(int member) {
        return processes.get(member);
    }

    /** kill -9 of one member. */
    public void kill(int member) {
        processes.get(member).kill();
    }

    /** Starts a killed member again on its data directory and waits until the whole cluster answers. */
    public void restart(int member) {
        processes.get(member).restart();
        awaitHealthy();
    }

    /** Waits until every running member reports itself healthy (it has a leader and serves reads). */
    public void awaitHealthy() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Awaitility.await("etcd cluster of " + members.size() + " healthy")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> IntStream.range(0, members.size())
                        .filter(i -> processes.get(i).isAlive())
                        .allMatch(i -> healthy(http, members.get(i))));
    }

    @Override
    public void close() {
        processes.forEach(LocalServerProcess::close);
        members.forEach(member -> deleteRecursively(member.dataDir()));
    }

    private List<String> command(Member member) {
        String initialCluster = members.stream()
                .map(m -> m.name() + "=" + m.peerUrl())
                .collect(Collectors.joining(","));
        List<String> command = new ArrayList<>(List.of("etcd",
                "--name", member.name(),
                "--data-dir", member.dataDir().toString(),
                "--listen-client-urls", member.clientUrl(),
                "--advertise-client-urls", member.clientUrl(),
                "--listen-peer-urls", member.peerUrl(),
                "--initial-advertise-peer-urls", member.peerUrl(),
                "--initial-cluster", initialCluster,
                "--initial-cluster-state", "new",
                "--initial-cluster-token", "distlock-test-" + members.get(0).clientPort(),
                "--heartbeat-interval", "50",
                "--election-timeout", Long.toString(electionTimeout.toMillis()),
                "--listen-metrics-urls", member.metricsUrl(),
                "--logger", "zap",
                "--log-level", "warn"));
        if (tls != null) {
            command.addAll(List.of("--cert-file", tls.serverCertificate().toString(),
                    "--key-file", tls.serverKey().toString(),
                    "--trusted-ca-file", tls.caCertificate().toString(),
                    "--client-cert-auth"));
        }
        return command;
    }

    private static boolean healthy(HttpClient http, Member member) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(member.metricsUrl() + "/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().replace(" ", "").contains("\"health\":\"true\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A leftover temp directory is harmless.
        }
    }
}
