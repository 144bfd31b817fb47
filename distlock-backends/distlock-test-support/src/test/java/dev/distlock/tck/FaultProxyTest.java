package dev.distlock.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.distlock.testsupport.FaultProxy;

/** The proxy against a one-connection echo server on loopback. */
class FaultProxyTest {

    private ServerSocket echo;
    private FaultProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        CompletableFuture.runAsync(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket socket = echo.accept();
                    CompletableFuture.runAsync(() -> echoAll(socket));
                } catch (IOException e) {
                    return;
                }
            }
        });
        proxy = FaultProxy.to(echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    @Test
    void passesTrafficUntilCutAndRefusesNewConnectionsWhileCut() throws Exception {
        try (Socket client = connect()) {
            assertThat(roundTrip(client, 'a')).isEqualTo('a');
            proxy.cut();
            assertThat(client.getInputStream().read()).as("closed by the cut").isEqualTo(-1);
        }
        try (Socket refused = connect()) {
            assertThat(refused.getInputStream().read()).isEqualTo(-1);
        }
        proxy.restore();
        try (Socket client = connect()) {
            assertThat(roundTrip(client, 'b')).isEqualTo('b');
        }
    }

    @Test
    void blackholeHoldsBytesUntilRestored() throws Exception {
        try (Socket client = connect()) {
            client.setSoTimeout(300);
            proxy.blackhole();
            client.getOutputStream().write('c');
            assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            proxy.restore();
            client.setSoTimeout((int) TimeUnit.SECONDS.toMillis(10));
            assertThat(client.getInputStream().read()).isEqualTo('c');
        }
    }

    @Test
    void delayedRepliesArriveLateWhileRequestsGoThrough() throws Exception {
        try (Socket client = connect()) {
            client.setSoTimeout(300);
            proxy.delayReplies(java.time.Duration.ofSeconds(2));
            client.getOutputStream().write('d');
            assertThatThrownBy(() -> client.getInputStream().read()).as("no reply within the delay")
                    .isInstanceOf(SocketTimeoutException.class);
            client.setSoTimeout((int) TimeUnit.SECONDS.toMillis(10));
            assertThat(client.getInputStream().read()).as("the reply, late").isEqualTo('d');
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(10));
        return socket;
    }

    private static int roundTrip(Socket client, char c) throws IOException {
        client.getOutputStream().write(c);
        return client.getInputStream().read();
    }

    private static void echoAll(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            int read;
            while ((read = in.read()) >= 0) {
                out.write(read);
                out.flush();
            }
        } catch (IOException e) {
            // client went away
        }
    }
}
