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

    private RedisServerFixture(ControllableServer process, Path dataDir) {
        this.process = process;
        this.dataDir = dataDir;
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
            return new RedisServerFixture(ContainerServer.start(IMAGE, 6379, command), null);
        }
        int port = FreePorts.next();
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("distlock-redis-" + port + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of("redis-server",
                "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dataDir.toString()));
        command.addAll(persistence);
        command.addAll(extraArgs);
        return new RedisServerFixture(LocalServerProcess.start(command, port, INSTALL_HINT), dataDir);
    }

    public int port() {
        return process.port();
    }

    public String host() {
        return "127.0.0.1";
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String uri() {
        return "redis://" + host() + ":" + port();
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
