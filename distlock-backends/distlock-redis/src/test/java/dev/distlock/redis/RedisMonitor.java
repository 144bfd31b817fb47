package dev.distlock.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@code MONITOR} on one redis-server: every command the server runs, as the server prints it, so a
 * test can count what reached a node. Commands a script runs inside the server are left out.
 */
final class RedisMonitor implements AutoCloseable {

    private final Socket socket;
    private final List<String> commands = new CopyOnWriteArrayList<>();

    private RedisMonitor(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.getOutputStream().write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
        BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        if (!"+OK".equals(reader.readLine())) {
            throw new IllegalStateException("MONITOR refused on port " + port);
        }
        Thread thread = new Thread(() -> read(reader), "redis-monitor-" + port);
        thread.setDaemon(true);
        thread.start();
    }

    static RedisMonitor on(int port) {
        try {
            return new RedisMonitor(port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many commands sent by clients (not run by scripts) carried {@code argument}. */
    long commandsWith(String argument) {
        String quoted = "\"" + argument + "\"";
        return commands.stream().filter(line -> line.contains(quoted)).count();
    }

    private void read(BufferedReader reader) {
        try {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.contains(" lua]")) {
                    commands.add(line);
                }
            }
        } catch (IOException e) {
            // closed by the test
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
