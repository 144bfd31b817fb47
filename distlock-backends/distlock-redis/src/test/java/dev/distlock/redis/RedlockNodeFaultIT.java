package dev.distlock.redis;

import static dev.distlock.testsupport.BackendCalls.owner;
import static dev.distlock.testsupport.BackendCalls.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEngine;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.RenewRequest;
import dev.distlock.spi.RenewResult;
import dev.distlock.testsupport.FaultProxy;
import dev.distlock.testsupport.RedisServerFixture;

/**
 * Redlock over three real redis-server processes, the third reached through a {@link FaultProxy}:
 * what one unreachable or slow node may cost the others, and how long a grant is trusted.
 */
class RedlockNodeFaultIT {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration NODE_TIMEOUT = Duration.ofMillis(500);

    @RegisterExtension
    static final RedlockServers servers = new RedlockServers(3);
    private final FaultProxy proxy = FaultProxy.to(servers.get(2).port());
    private final List<RedlockLockBackend> backends = new ArrayList<>();
    private final List<LockEngine> engines = new ArrayList<>();
    private final List<Lease> leases = new ArrayList<>();
    private final List<RedisMonitor> monitors = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        proxy.restore();
        leases.forEach(Lease::close);
        engines.forEach(LockEngine::close);
        backends.forEach(RedlockLockBackend::close);
        for (RedisMonitor monitor : monitors) {
            monitor.close();
        }
        proxy.close();
    }

    /** Nodes 0 and 1 directly, node 2 through the proxy. */
    private RedlockLockBackend backendThroughProxy(Duration nodeTimeout) {
        return backend(RedlockSettings.of(List.of(servers.get(0).uri(), servers.get(1).uri(),
                "redis://127.0.0.1:" + proxy.port())).withNodeTimeout(nodeTimeout));
    }

    private RedlockLockBackend directBackend() {
        return backend(servers.settings().withNodeTimeout(NODE_TIMEOUT));
    }

    private RedlockLockBackend backend(RedlockSettings settings) {
        RedlockLockBackend backend = new RedlockLockBackend(settings);
        backends.add(backend);
        return backend;
    }

    private LockEngine engine(RedlockLockBackend backend) {
        // Room for an attempt that waits out the unreachable node twice (acquire, then the fence).
        LockEngine engine = LockEngine.builder(backend).namespace("fault").operationTimeout(Duration.ofSeconds(5)).build();
        engines.add(engine);
        return engine;
    }

    private static String key() {
        return "redlock-fault:" + UUID.randomUUID();
    }

    @Test
    void waitersOfDistinctKeysAreAllGrantedPromptlyWhileOneNodeIsUnreachable() throws Exception {
        int waiterCount = 8;
        LockEngine holder = engine(directBackend());
        List<String> keys = IntStream.range(0, waiterCount).mapToObj(i -> key()).toList();
        List<Lease> held = keys.stream().map(key -> holder.acquire(key, LockOptions.of(LEASE, Duration.ZERO))).toList();
        proxy.blackhole(); // node 2 is unreachable for the waiters: connections open, no byte passes
        LockEngine waiting = engine(backendThroughProxy(NODE_TIMEOUT));

        ExecutorService threads = Executors.newFixedThreadPool(waiterCount);
        try {
            List<Future<Long>> grantedAt = keys.stream().map(key -> threads.submit(() -> {
                Optional<Lease> lease = waiting.tryAcquire(key, LockOptions.of(LEASE, Duration.ofSeconds(60)));
                long now = System.nanoTime();
                synchronized (leases) {
                    lease.ifPresent(leases::add);
                }
                return lease.isPresent() ? now : Long.MAX_VALUE;
            })).toList();
            await().atMost(Duration.ofSeconds(30)).until(() -> waiting.waiters().size() == waiterCount);

            long released = System.nanoTime();
            held.forEach(Lease::close);
            long last = Long.MIN_VALUE;
            for (Future<Long> granted : grantedAt) {
                last = Math.max(last, granted.get(90, TimeUnit.SECONDS));
            }
            // An attempt waits out the dead node at most twice (acquire, fence): 1 s. Waiters that queue
            // behind one another for that node would take a multiple of the subscription timeout (2 s).
            assertThat(Duration.ofNanos(last - released)).as("the last of %d waiters granted after the releases", waiterCount)
                    .isLessThan(Duration.ofSeconds(3));
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void renewAllKeepsEveryLeaseOnTheMajorityWhileOneNodeIsUnreachableAndFailsWhenTwoAre() throws Exception {
        try (FaultProxy toNode1 = FaultProxy.to(servers.get(1).port())) {
            RedlockLockBackend backend = backend(RedlockSettings.of(List.of(servers.get(0).uri(),
                    "redis://127.0.0.1:" + toNode1.port(), "redis://127.0.0.1:" + proxy.port())).withNodeTimeout(NODE_TIMEOUT));
            String owner = owner();
            List<RenewRequest> renewals = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String key = key();
                token(backend.tryAcquire(new AcquireRequest(key, owner, LEASE, false)));
                renewals.add(new RenewRequest(key, owner, LEASE));
            }
            renewals.add(new RenewRequest(key(), owner, LEASE));

            proxy.blackhole();
            assertThat(backend.renewAll(renewals)).extracting(RenewResult::extended).containsExactly(true, true, true, false);

            toNode1.blackhole();
            assertThatThrownBy(() -> backend.renewAll(renewals)).isInstanceOf(LockBackendException.class)
                    .hasMessageContaining("1 of 3 nodes extended it, 2 needed");
            toNode1.restore();
        }
    }

    @Test
    void deniedAttemptUndoesOnlyOnNodesThatMayHaveGrantedIt() {
        String key = key();
        RedlockLockBackend holderSide = directBackend();
        token(holderSide.tryAcquire(new AcquireRequest(key, owner(), LEASE, false)));
        try (RedisClient client = RedisClient.create(servers.get(2).uri());
                StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().del(RedisKeyLayout.of(key).lock()); // node 2 forgot the lock: it will grant
        }
        servers.all().stream().map(RedisServerFixture::port).map(RedisMonitor::on).forEach(monitors::add);
        RedlockLockBackend backend = directBackend();

        String denied = owner();
        assertThat(backend.tryAcquire(new AcquireRequest(key, denied, LEASE, false))).isInstanceOf(AcquireResult.Denied.class);
        // Sent after any undo on the same connections: once every node ran it, every undo has arrived.
        String marker = owner();
        backend.release(key, marker);
        await().atMost(Duration.ofSeconds(10)).until(() -> monitors.stream().allMatch(monitor -> monitor.commandsWith(marker) == 1));

        assertThat(monitors.get(0).commandsWith(denied)).as("node 0 answered 'held by another': no undo").isEqualTo(1);
        assertThat(monitors.get(1).commandsWith(denied)).as("node 1 answered 'held by another': no undo").isEqualTo(1);
        assertThat(monitors.get(2).commandsWith(denied)).as("node 2 granted: acquire and undo").isEqualTo(2);
        try (RedisClient client = RedisClient.create(servers.get(2).uri());
                StatefulRedisConnection<String, String> connection = client.connect()) {
            assertThat(connection.sync().exists(RedisKeyLayout.of(key).lock())).as("undone on node 2").isZero();
        }
    }

    @Test
    void undoToASlowNodeDoesNotDelayTheDenial() {
        Duration nodeTimeout = Duration.ofSeconds(1);
        String key = key();
        token(directBackend().tryAcquire(new AcquireRequest(key, owner(), LEASE, false)));
        RedlockLockBackend backend = backendThroughProxy(nodeTimeout);
        String warmUp = owner();
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.tryAcquire(new AcquireRequest(key(), warmUp, LEASE, false))
                instanceof AcquireResult.Granted);
        proxy.delayReplies(Duration.ofSeconds(10)); // node 2 applies what it gets; its answers come too late

        long started = System.nanoTime();
        AcquireResult result = backend.tryAcquire(new AcquireRequest(key, owner(), LEASE, false));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(result).isInstanceOf(AcquireResult.Denied.class);
        // The attempt itself waits out node 2 once; waiting for its undo as well would take a second node timeout.
        assertThat(took).as("denial of an attempt whose undo goes to a node that answers late")
                .isLessThan(nodeTimeout.multipliedBy(2));
    }

    @Test
    void grantIsTrustedForTheLeaseLessTheClockDriftHoweverLateANodeAnswered() {
        LockEngine engine = engine(backendThroughProxy(Duration.ofSeconds(1)));
        Duration lease = Duration.ofSeconds(2);
        try (Lease warmUp = engine.acquire(key(), LockOptions.of(lease, Duration.ZERO))) {
            assertThat(warmUp.isValid()).isTrue();
        }
        proxy.delayReplies(Duration.ofMillis(300));

        Lease lease0 = engine.acquire(key(), LockOptions.of(lease, Duration.ZERO).withAutoRenew(false));
        leases.add(lease0);

        // Every node's PX started no earlier than the attempt was sent, on a clock that may run 1% fast.
        Duration drift = Duration.ofMillis(20 + 2);
        assertThat(Duration.between(lease0.acquiredAt(), lease0.expiresAt())).isEqualTo(lease.minus(drift));
    }
}
