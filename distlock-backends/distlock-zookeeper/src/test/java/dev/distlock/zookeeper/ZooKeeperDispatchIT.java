package dev.distlock.zookeeper;

import static dev.distlock.testsupport.BackendCalls.owner;
import static dev.distlock.testsupport.BackendCalls.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.DispatchingBackend;
import dev.distlock.spi.ReleaseOutcome;
import dev.distlock.testsupport.ZooKeeperServerFixture;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An unfair holder's release is sent without blocking the caller ({@link DispatchingBackend}), so the
 * engine needs no store-call thread for it: one owner-checked delete, as the blocking release sends.
 * Where a release is more than that one delete (the holder and queue nodes of a fair holder that
 * waited in line), the backend declines
 * (null) and the engine makes the blocking call on a store-call thread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ZooKeeperDispatchIT {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final long ANSWER_BOUND_SECONDS = 10;

    private static ZooKeeperServerFixture zookeeper;
    private static CuratorFramework client;
    private static CuratorFramework otherClient;

    private final String basePath = "/dispatch-" + UUID.randomUUID();
    private final String key = "app:job:" + UUID.randomUUID();
    private ZooKeeperLockBackend backend;
    private ZooKeeperLockBackend other;

    @BeforeAll
    static void startServer() throws InterruptedException {
        zookeeper = ZooKeeperServerFixture.single();
        client = client();
        otherClient = client();
    }

    @AfterAll
    static void stopServer() {
        client.close();
        otherClient.close();
        zookeeper.close();
    }

    @BeforeEach
    void backends() {
        backend = new ZooKeeperLockBackend(client, basePath);
        other = new ZooKeeperLockBackend(otherClient, basePath);
    }

    @AfterEach
    void closeBackends() {
        backend.close();
        other.close();
    }

    @Test
    void anUnfairHoldersReleaseIsSentWithoutBlockingAsOneDelete() throws Exception {
        String owner = owner();
        token(backend.tryAcquire(new AcquireRequest(key, owner, LEASE, false)));
        assertThat(backend).isInstanceOf(DispatchingBackend.class);
        long session = client.getZookeeperClient().getZooKeeper().getSessionId();
        long before = zookeeper.requestsReceivedFrom(session);

        CompletableFuture<ReleaseOutcome> released = ((DispatchingBackend) (Object) backend).dispatchRelease(key, owner);

        assertThat(released).isNotNull();
        assertThat(released.get(ANSWER_BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(ReleaseOutcome.RELEASED);
        assertThat(zookeeper.requestsReceivedFrom(session) - before).as("round trips").isEqualTo(1);
        token(other.tryAcquire(new AcquireRequest(key, owner(), LEASE, false))); // the key is free
        assertThat(backend.release(key, owner)).as("released once only").isFalse();
    }

    @Test
    void aReleaseByAnOwnerThatHoldsNothingIsNotHeldWithoutAsking() throws Exception {
        CompletableFuture<ReleaseOutcome> released = ((DispatchingBackend) (Object) backend).dispatchRelease(key, owner());

        assertThat(released).isNotNull();
        assertThat(released.get(ANSWER_BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(ReleaseOutcome.NOT_HELD);
    }

    @Test
    void theReleaseOfAFairHolderThatWaitedInLineIsLeftToTheBlockingCall() {
        String holder = owner();
        token(other.tryAcquire(new AcquireRequest(key, holder, LEASE, false)));
        String owner = owner();
        AcquireRequest fair = new AcquireRequest(key, owner, LEASE, true);
        assertThat(backend.tryAcquire(fair)).isInstanceOf(AcquireResult.Denied.class); // queues
        assertThat(other.release(key, holder)).isTrue();
        token(backend.tryAcquire(fair)); // holds through the holder node and its queue node: two deletes

        assertThat(((DispatchingBackend) (Object) backend).dispatchRelease(key, owner)).isNull();
        assertThat(backend.release(key, owner)).isTrue();
    }

    private static CuratorFramework client() throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(zookeeper.connectString())
                .sessionTimeoutMs(Math.toIntExact(LEASE.toMillis()))
                .connectionTimeoutMs(5_000)
                .retryPolicy(new RetryOneTime(100))
                .build();
        client.start();
        assertThat(client.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
        return client;
    }
}
