package dev.distlock.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A redis-server that a test starts on a free loopback port: from the local binary when one is on
 * the PATH, otherwise in a container through Testcontainers when a Docker engine answers, otherwise
 * the test fails naming the package to install. Without persistence by default
 * ({@code --save "" --appendonly no}): a kill -9 then loses every key, as a cache-style Redis
 * would. {@link #startDurable()} turns on the AOF with fsync on every write, so that a restart
 * keeps what was acknowledged.
 */
public final class RedisServerFixture implements AutoCloseable {

    public static final String INSTALL_HINT = "apt-get install -y redis-server";
    static final String IMAGE = "redis:7.0";

    private final ControllableServer process;
    private final Path dataDir;
    private final boolean tls;

    private RedisServerFixture(ControllableServer process, Path dataDir, boolean tls) {
        this.process = process;
        this.dataDir = dataDir;
        this.tls = tls;
    }

    /** A server without persistence. */
    public static RedisServerFixture start() {
        return start(false, List.of());
    }

    /** A server with {@code appendonly yes} and {@code appendfsync always}. */
    public static RedisServerFixture startDurable() {
        return start(true, List.of());
    }

    /**
     * @param durable   AOF with fsync on every write, else no persistence at all
     * @param extraArgs more redis-server arguments, e.g. {@code --cluster-enabled yes}
     */
    public static RedisServerFixture start(boolean durable, List<String> extraArgs) {
        List<String> persistence = durable
                ? List.of("--save", "", "--appendonly", "yes", "--appendfsync", "always")
                : List.of("--save", "", "--appendonly", "no");
        if (LocalServerProcess.findExecutable("redis-server").isEmpty() && ContainerServer.dockerAvailable()) {
            List<String> command = new ArrayList<>(List.of("redis-server", "--port", "6379", "--bind", "0.0.0.0"));
            command.addAll(persistence);
            command.addAll(extraArgs);
            return new RedisServerFixture(ContainerServer.start(IMAGE, 6379, command), null, false);
        }
        return startLocal(persistence, extraArgs, null);
    }

    /**
     * A local server without persistence that speaks only TLS ({@code --port 0 --tls-port}), with the
     * server certificate of {@code certificates}; clients need not present a certificate. Not in a
     * container: the certificate names 127.0.0.1.
     */
    public static RedisServerFixture startTls(TestCertificates certificates) {
        return startLocal(List.of("--save", "", "--appendonly", "no"), List.of(), certificates);
    }

    private static RedisServerFixture startLocal(List<String> persistence, List<String> extraArgs,
                                                 TestCertificates tls) {
        int port = FreePorts.next();
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("distlock-redis-" + port + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of("redis-server"));
        if (tls == null) {
            command.addAll(List.of("--port", Integer.toString(port)));
        } else {
            command.addAll(List.of("--port", "0", "--tls-port", Integer.toString(port),
                    "--tls-cert-file", tls.serverCertificate().toString(), "--tls-key-file", tls.serverKey().toString(),
                    "--tls-ca-cert-file", tls.caCertificate().toString(), "--tls-auth-clients", "no"));
        }
        command.addAll(List.of("--bind", "127.0.0.1", "--dir", dataDir.toString()));
        command.addAll(persistence);
        command.addAll(extraArgs);
        return new RedisServerFixture(LocalServerProcess.start(command, port, INSTALL_HINT), dataDir, tls != null);
    }

    public int port() {
        return process.port();
    }

    public String host() {
        return "127.0.0.1";
    }

    /** {@code redis://127.0.0.1:<port>}, or {@code rediss://} for a server started by {@link #startTls}. */
    public String uri() {
        return (tls ? "rediss://" : "redis://") + host() + ":" + port();
    }

    /** The data directory (AOF, cluster config); null for a server in a container. */
    public Path dataDir() {
        return dataDir;
    }

    public ControllableServer server() {
        return process;
    }

    /** kill -9. */
    public void kill() {
        process.kill();
    }

    /** Starts the same server again, on the same port and data directory. */
    public void restart() {
        process.restart();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.close();
        if (dataDir != null) {
            deleteRecursively(dataDir);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A leftover temp directory is harmless.
        }
    }
}
