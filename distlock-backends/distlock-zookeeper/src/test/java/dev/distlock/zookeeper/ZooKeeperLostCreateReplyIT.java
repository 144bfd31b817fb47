package dev.distlock.zookeeper;

import static dev.distlock.testsupport.BackendCalls.owner;
import static dev.distlock.testsupport.BackendCalls.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.LockBackendException;
import dev.distlock.testsupport.FaultProxy;
import dev.distlock.testsupport.ZooKeeperServerFixture;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A create of the key's holder node whose answer never came back (the server made the node; the caller gave
 * up, as the engine does at its operation timeout), and a withdrawal that failed too. The node
 * belongs to our live session: nobody else can delete it, and it would hold the key for every
 * client until this JVM's session ends. (The queue node of a fair request is cleaned up the same
 * way, found by its attempt prefix instead of its owner id.) The backend deletes it in the background.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ZooKeeperLostCreateReplyIT {

    private static final Duration LEASE = Duration.ofSeconds(30);
    /** Long enough that the session lives through the fault without a single answer reaching the client. */
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(8);

    private static ZooKeeperServerFixture zookeeper;

    /** The thread of the call in progress, to interrupt as the engine does when it stops waiting. */
    private final AtomicReference<Thread> caller = new AtomicReference<>();

    @BeforeAll
    static void startServer() {
        zookeeper = ZooKeeperServerFixture.single();
    }

    @AfterAll
    static void stopServer() {
        zookeeper.close();
    }

    @Test
    void theNodeOfACreateWhoseAnswerWasLostStopsBlockingTheKeyWhileTheSessionLives() throws Exception {
        String key = "lost-create:" + UUID.randomUUID();
        String keyPath = "/distlock/" + ZooKeeperKeyLayout.encode(key);
        try (FaultProxy proxy = FaultProxy.to(port());
                CuratorFramework lossyClient = client("127.0.0.1:" + proxy.port());
                CuratorFramework directClient = client(zookeeper.connectString());
                ZooKeeperLockBackend lossy = new ZooKeeperLockBackend(lossyClient, "/distlock");
                ZooKeeperLockBackend others = new ZooKeeperLockBackend(directClient, "/distlock")) {
            String keepsBasePath = owner(); // the base path's container stays: the lossy create is one request
            token(others.tryAcquire(new AcquireRequest("lost-create:base", keepsBasePath, LEASE, false)));
            assertThat(lossyClient.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
            long session = lossyClient.getZookeeperClient().getZooKeeper().getSessionId();

            proxy.delayReplies(Duration.ofMinutes(1)); // requests reach the server, no answer comes back
            String lost = owner();
            CompletableFuture<Throwable> acquire = failureOf(() -> lossy.tryAcquire(new AcquireRequest(key, lost, LEASE, false)));
            await("the server made the key's node").atMost(Duration.ofSeconds(10))
                    .until(() -> directClient.checkExists().forPath(keyPath) != null);
            interruptCaller(); // the caller stops waiting, as the engine does at its deadline
            assertThat(acquire.get(10, TimeUnit.SECONDS)).isInstanceOf(LockBackendException.class);

            CompletableFuture<Throwable> withdraw = failureOf(() -> {
                lossy.withdraw(key, lost);
                return null;
            });
            awaitBlocked(withdraw);
            interruptCaller(); // the withdrawal cannot reach the server either
            withdraw.get(10, TimeUnit.SECONDS);
            assertThat(directClient.checkExists().forPath(keyPath)).as("the lost create's node, in the lossy session")
                    .isNotNull().extracting(Stat::getEphemeralOwner).isEqualTo(session);
            assertThat(others.tryAcquire(new AcquireRequest(key, owner(), LEASE, false)))
                    .as("the lost node blocks the key").isInstanceOf(AcquireResult.Denied.class);

            proxy.restore();

            String next = owner();
            await("another client gets the key that the lost node held")
                    .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> others.tryAcquire(new AcquireRequest(key, next, LEASE, false)) instanceof AcquireResult.Granted);
            assertThat(lossyClient.getZookeeperClient().getZooKeeper().getSessionId())
                    .as("the lossy client's session lived through it all").isEqualTo(session);
            assertThat(others.release(key, next)).isTrue();
            assertThat(others.release("lost-create:base", keepsBasePath)).isTrue();
        }
    }

    @Test
    void aRetriedCreateThatFindsOurOwnNodeIsTheGrantItMade() throws Exception {
        String key = "retried-create:" + UUID.randomUUID();
        String keyPath = "/distlock/" + ZooKeeperKeyLayout.encode(key);
        try (CuratorFramework sessionClient = client(zookeeper.connectString());
                CuratorFramework otherClient = client(zookeeper.connectString());
                ZooKeeperLockBackend backend = new ZooKeeperLockBackend(sessionClient, "/distlock");
                ZooKeeperLockBackend others = new ZooKeeperLockBackend(otherClient, "/distlock")) {
            String owner = owner();
            // What a create leaves when its connection drops after the server applied it: the node is
            // there, in our session, with our owner id, and Curator's retry of the create fails on it.
            Stat made = new Stat();
            sessionClient.create().storingStatIn(made).creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                    .forPath(keyPath, owner.getBytes(StandardCharsets.UTF_8));

            assertThat(token(backend.tryAcquire(new AcquireRequest(key, owner, LEASE, false))))
                    .as("the grant the first create made").isEqualTo(made.getCzxid());
            assertThat(others.tryAcquire(new AcquireRequest(key, owner(), LEASE, false))).isInstanceOf(AcquireResult.Denied.class);
            assertThat(backend.release(key, owner)).isTrue();
            token(others.tryAcquire(new AcquireRequest(key, owner(), LEASE, false)));
        }
    }

    /** Runs {@code call} on a thread of its own; completes with what it threw, or null. */
    private CompletableFuture<Throwable> failureOf(Callable<?> call) {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                call.call();
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        }, "lost-create-caller");
        thread.setDaemon(true);
        caller.set(thread);
        thread.start();
        return outcome;
    }

    private void awaitBlocked(CompletableFuture<Throwable> call) {
        await("the call waits for an answer").atMost(Duration.ofSeconds(10)).until(() -> call.isDone()
                || caller.get().getState() == Thread.State.WAITING || caller.get().getState() == Thread.State.TIMED_WAITING);
    }

    private void interruptCaller() {
        caller.get().interrupt();
    }

    private static int port() {
        String connect = zookeeper.connectString();
        return Integer.parseInt(connect.substring(connect.lastIndexOf(':') + 1));
    }

    private static CuratorFramework client(String connectString) {
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs((int) SESSION_TIMEOUT.toMillis())
                .connectionTimeoutMs(1_000)
                .retryPolicy(new RetryOneTime(100))
                .ensembleTracker(false)
                .build();
        client.start();
        return client;
    }
}
