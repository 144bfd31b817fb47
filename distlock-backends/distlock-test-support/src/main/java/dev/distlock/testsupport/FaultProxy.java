package dev.distlock.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on a loopback port in front of a real server, that a test can cut: the way to
 * partition one client from its store without touching the store itself.
 *
 * <ul>
 *   <li>{@link #cut()}: every open connection is closed and new ones are refused (a crash of the
 *       link: clients see errors at once);</li>
 *   <li>{@link #blackhole()}: connections stay open but no byte passes in either direction (a
 *       partition: clients see timeouts);</li>
 *   <li>{@link #delayReplies(Duration)}: requests reach the server at once, its replies reach the
 *       client only after the delay (at least; a reply queued behind a delayed one waits longer): a
 *       store that applied a request whose answer came too late;</li>
 *   <li>{@link #restore()}: traffic flows again; connections cut before stay closed.</li>
 * </ul>
 */
public final class FaultProxy implements AutoCloseable {

    private enum Mode { PASS, BLACKHOLE, CUT }

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "fault-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile Mode mode = Mode.PASS;
    private volatile Duration replyDelay = Duration.ZERO;
    private final Object gate = new Object();

    private FaultProxy(InetSocketAddress target) {
        this.target = target;
        try {
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads.execute(this::acceptLoop);
    }

    /** A proxy on a free loopback port forwarding to {@code 127.0.0.1:targetPort}. */
    public static FaultProxy to(int targetPort) {
        return new FaultProxy(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
    }

    public int port() {
        return server.getLocalPort();
    }

    public void cut() {
        mode = Mode.CUT;
        sockets.forEach(FaultProxy::closeQuietly);
        sockets.clear();
    }

    public void blackhole() {
        mode = Mode.BLACKHOLE;
    }

    /** Holds every byte from the server for {@code delay} after it arrived; {@link #restore()} ends it. */
    public void delayReplies(Duration delay) {
        replyDelay = delay;
    }

    public void restore() {
        synchronized (gate) {
            mode = Mode.PASS;
            replyDelay = Duration.ZERO;
            gate.notifyAll();
        }
    }

    @Override
    public void close() {
        closeQuietly(server);
        sockets.forEach(FaultProxy::closeQuietly);
        threads.shutdownNow();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (mode == Mode.CUT) {
                    closeQuietly(client);
                    continue;
                }
                Socket upstream = new Socket();
                try {
                    upstream.connect(target, 5_000);
                } catch (IOException e) {
                    // The server is down: the client sees its connection closed, as a refused connect.
                    closeQuietly(client);
                    closeQuietly(upstream);
                    continue;
                }
                sockets.add(client);
                sockets.add(upstream);
                threads.execute(() -> pump(client, upstream, false));
                threads.execute(() -> pump(upstream, client, true));
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean reply) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                if (reply) {
                    holdBack(System.nanoTime());
                }
                awaitPassable();
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (SocketException e) {
            // closed by cut() or by the other side
        } catch (IOException e) {
            // the connection is gone either way
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    /** Sleeps until {@code replyDelay} has passed since {@code arrivedNanos}. */
    private void holdBack(long arrivedNanos) throws InterruptedException {
        long remaining;
        while ((remaining = arrivedNanos + replyDelay.toNanos() - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(50)));
        }
    }

    /** Holds bytes back while the link is blackholed; they pass, late, after {@link #restore()}. */
    private void awaitPassable() throws InterruptedException, SocketException {
        synchronized (gate) {
            while (mode == Mode.BLACKHOLE) {
                gate.wait();
            }
        }
        if (mode == Mode.CUT) {
            throw new SocketException("cut");
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing is best effort
        }
    }
}
