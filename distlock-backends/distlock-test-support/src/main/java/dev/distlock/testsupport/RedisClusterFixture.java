package dev.distlock.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

/**
 * A Redis Cluster of {@code masters} redis-server processes (no replicas) that a test creates on
 * free loopback ports with {@code redis-cli --cluster create}, and stops again.
 */
public final class RedisClusterFixture implements AutoCloseable {

    private final List<RedisServerFixture> nodes;

    private RedisClusterFixture(List<RedisServerFixture> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    public static RedisClusterFixture start(int masters) {
        // Cluster nodes announce their own addresses, which a container would get wrong: local binaries only.
        if (LocalServerProcess.findExecutable("redis-server").isEmpty() || LocalServerProcess.findExecutable("redis-cli").isEmpty()) {
            throw new IllegalStateException("A Redis Cluster test needs redis-server and redis-cli; install them with: "
                    + RedisServerFixture.INSTALL_HINT);
        }
        List<RedisServerFixture> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < masters; i++) {
                nodes.add(RedisServerFixture.start(false, List.of("--cluster-enabled", "yes",
                        "--cluster-port", Integer.toString(FreePorts.next()),
                        "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000")));
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            nodes.forEach(node -> create.add(node.host() + ":" + node.port()));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            run(create);
            for (RedisServerFixture node : nodes) {
                Awaitility.await("cluster state ok on " + node.port()).atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> run(List.of("redis-cli", "-p", Integer.toString(node.port()), "cluster", "info"))
                                .contains("cluster_state:ok"));
            }
            return new RedisClusterFixture(nodes);
        } catch (RuntimeException e) {
            nodes.forEach(RedisServerFixture::close);
            throw e;
        }
    }

    /** {@code 127.0.0.1:<port>} of every node, for a cluster client's seed list. */
    public List<String> nodeAddresses() {
        return nodes.stream().map(node -> node.host() + ":" + node.port()).toList();
    }

    public List<RedisServerFixture> nodes() {
        return nodes;
    }

    @Override
    public void close() {
        nodes.forEach(RedisServerFixture::close);
    }

    private static String run(List<String> command) {
        if (LocalServerProcess.findExecutable(command.get(0)).isEmpty()) {
            throw new IllegalStateException(command.get(0) + " is not installed; install it with: "
                    + RedisServerFixture.INSTALL_HINT);
        }
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command, e);
        }
    }
}
