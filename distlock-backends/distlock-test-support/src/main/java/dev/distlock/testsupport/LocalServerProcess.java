package dev.distlock.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.awaitility.Awaitility;

/**
 * A server binary (redis-server, etcd, ...) that a test starts on a loopback port and stops again.
 * Faults are real signals: {@link #kill()} is kill -9, {@link #pause()} is SIGSTOP.
 *
 * <p>A missing binary fails the test with the command that installs it, never a silent skip.
 */
public final class LocalServerProcess implements ControllableServer {

    private final List<String> command;
    private final int port;
    private final Path logFile;
    private Process process;

    private LocalServerProcess(List<String> command, int port, Path logFile) {
        this.command = List.copyOf(command);
        this.port = port;
        this.logFile = logFile;
    }

    /**
     * Starts {@code command} and waits until {@code port} accepts connections.
     *
     * @param installHint the command that installs the binary, e.g. {@code apt-get install -y redis-server}
     */
    public static LocalServerProcess start(List<String> command, int port, String installHint) {
        String binary = command.get(0);
        if (findExecutable(binary).isEmpty()) {
            throw new IllegalStateException(binary + " is not installed; install it with: " + installHint);
        }
        try {
            Path log = Files.createTempFile("distlock-" + new File(binary).getName() + "-" + port + "-", ".log");
            LocalServerProcess server = new LocalServerProcess(command, port, log);
            server.startProcess();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** kill -9: the server dies without cleaning up. */
    @Override
    public void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    /** SIGSTOP: the server stops answering but keeps its sockets open. */
    @Override
    public void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    @Override
    public void resume() {
        signal("CONT");
    }

    /** Starts the same command again (same port, same data directory) after {@link #kill()}. */
    @Override
    public void restart() {
        if (isAlive()) {
            kill();
        }
        startProcess();
    }

    /** The server's output so far, for failure messages. */
    public String log() {
        try {
            return Files.readString(logFile);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            resume();
            process.destroy();
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
            }
        }
    }

    private void startProcess() {
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + command, e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        try {
            Awaitility.await("port " + port + " of " + command.get(0))
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException(command + " exited with " + process.exitValue() + ":\n" + log());
                        }
                        return accepts(port);
                    });
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private void waitForExit() {
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void signal(String signal) {
        if (process != null && process.isAlive()) {
            Signals.send(signal, process.pid());
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The path of {@code binary} on PATH (or itself when it is a path). */
    public static Optional<Path> findExecutable(String binary) {
        if (binary.contains("/")) {
            Path path = Path.of(binary);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        String pathVariable = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin");
        for (String dir : (pathVariable + ":/usr/sbin:/usr/local/bin").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, binary);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
