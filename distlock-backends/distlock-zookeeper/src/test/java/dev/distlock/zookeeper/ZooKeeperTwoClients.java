package dev.distlock.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.distlock.testsupport.ZooKeeperServerFixture;

/**
 * The in-JVM ZooKeeper server of one test class and two connected Curator clients on it, each with
 * its own session (so that the server counts each one's requests apart): started before the class,
 * closed after it. Register it as a static {@code @RegisterExtension} field.
 */
final class ZooKeeperTwoClients implements BeforeAllCallback, AfterAllCallback {

    private final Duration sessionTimeout;
    private ZooKeeperServerFixture server;
    private CuratorFramework client;
    private CuratorFramework otherClient;

    /** @param sessionTimeout the clients' session timeout: the crash-recovery time of their locks */
    ZooKeeperTwoClients(Duration sessionTimeout) {
        this.sessionTimeout = sessionTimeout;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws InterruptedException {
        server = ZooKeeperServerFixture.single();
        client = connect();
        otherClient = connect();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (client != null) {
            client.close();
        }
        if (otherClient != null) {
            otherClient.close();
        }
        if (server != null) {
            server.close();
        }
    }

    ZooKeeperServerFixture server() {
        return server;
    }

    CuratorFramework client() {
        return client;
    }

    CuratorFramework otherClient() {
        return otherClient;
    }

    /** The session of a client, as the server counts its requests. */
    static long sessionOf(CuratorFramework client) {
        try {
            return client.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private CuratorFramework connect() throws InterruptedException {
        CuratorFramework connecting = CuratorFrameworkFactory.builder()
                .connectString(server.connectString())
                .sessionTimeoutMs(Math.toIntExact(sessionTimeout.toMillis()))
                .connectionTimeoutMs(5_000)
                .retryPolicy(new RetryOneTime(100))
                .build();
        connecting.start();
        assertThat(connecting.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
        return connecting;
    }
}
