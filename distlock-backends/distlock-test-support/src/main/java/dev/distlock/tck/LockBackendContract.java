package dev.distlock.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static dev.distlock.testsupport.BackendCalls.owner;
import static dev.distlock.testsupport.BackendCalls.token;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEngine;
import dev.distlock.engine.WaitSettings;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.LockBackend;

/**
 * The contract every backend passes, against a real server. A backend's test extends this class
 * and hands it {@link #newBackend()}: each call must return an independent instance on the same
 * store, as a separate JVM would have. Tests use fresh random keys, so one server serves them all.
 * A test of an ability that not every backend has ({@link ProvesCapability}) shows as skipped where
 * the backend does not claim it, and the class fails where the backend claims it but the test did
 * not run ({@link CapabilityGate}).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
@ExtendWith(CapabilityGate.class)
public abstract class LockBackendContract {

    /** Lease for tests that wait for an abandoned lock to expire: short, but far above a round trip. */
    protected static final Duration SHORT_LEASE = Duration.ofSeconds(1);
    protected static final Duration LONG_LEASE = Duration.ofSeconds(60);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final String namespace = "tck-" + UUID.randomUUID();

    /** A new backend instance on the shared test server, as another JVM would create it. */
    protected abstract LockBackend newBackend();

    /**
     * The ttl that a renewal of a lock granted for {@code granted} asks for in place of the longer
     * {@code wanted}: {@code wanted}, unless the backend fixes a lock's lease at its grant (ZooKeeper:
     * the node lives in the session of that lease, and a longer renewal is refused).
     */
    protected Duration renewalLease(Duration granted, Duration wanted) {
        return wanted;
    }

    @AfterEach
    void closeResources() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        resources.clear();
    }

    @Test
    void heldLockIsNotGrantedToAnotherOwner() {
        LockBackend first = backend();
        LockBackend second = backend();
        String key = key("exclusive");

        assertThat(first.tryAcquire(request(key, owner(), LONG_LEASE))).isInstanceOf(AcquireResult.Granted.class);
        assertThat(second.tryAcquire(request(key, owner(), LONG_LEASE))).isInstanceOf(AcquireResult.Denied.class);
    }

    @Test
    void mutualExclusionAcrossThreadsAndInstances() throws Exception {
        assertMutualExclusion(8, 15, (engine, key) -> {
            Lease lease = engine.acquire(key, LockOptions.of(LONG_LEASE, Duration.ofSeconds(60)));
            return lease::close;
        });
    }

    @Test
    void mutualExclusionThroughTheLockView() throws Exception {
        Map<LockEngine, Lock> views = new ConcurrentHashMap<>();
        assertMutualExclusion(4, 10, (engine, key) -> {
            Lock lock = views.computeIfAbsent(engine, e -> e.asLock(key, LockOptions.of(LONG_LEASE, Duration.ZERO)));
            lock.lock();
            return lock::unlock;
        });
    }

    /** Threads on three engines (as three JVMs) increment a counter under the lock that {@code locker} takes. */
    private void assertMutualExclusion(int threads, int rounds, Locker locker) throws Exception {
        List<LockEngine> engines = List.of(engine(backend()), engine(backend()), engine(backend()));
        String key = "counter-" + UUID.randomUUID();
        int[] counter = {0};
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                LockEngine engine = engines.get(t % engines.size());
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        Runnable unlock = locker.lock(engine, key);
                        try {
                            if (inside.incrementAndGet() > 1) {
                                overlaps.incrementAndGet();
                            }
                            int read = counter[0];
                            Thread.yield(); // widen the race a broken lock would lose
                            counter[0] = read + 1;
                            inside.decrementAndGet();
                        } finally {
                            unlock.run();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(80, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(overlaps).hasValue(0);
        assertThat(counter[0]).as("read-modify-write counter").isEqualTo(threads * rounds);
    }

    /** Takes the lock on {@code key} through {@code engine}; the returned action releases it. */
    @FunctionalInterface
    private interface Locker {
        Runnable lock(LockEngine engine, String key);
    }

    @Test
    void abandonedLockIsGrantedToAnotherOwnerAfterItsLease() {
        LockBackend holder = newBackend();
        String key = key("abandoned");
        long abandonedToken = token(holder.tryAcquire(request(key, owner(), SHORT_LEASE)));
        holder.close(); // the holder dies: no release, no renewal

        LockEngine other = engine(backend());
        Optional<Lease> lease = other.tryAcquireFullKey(key, LockOptions.of(LONG_LEASE, Duration.ofSeconds(20)));

        assertThat(lease).isPresent();
        assertThat(lease.get().fencingToken()).isGreaterThan(abandonedToken);
    }

    @Test
    void releaseAndRenewAreRefusedToANonOwner() {
        LockBackend holder = backend();
        LockBackend intruder = backend();
        String key = key("owned");
        String owner = owner();
        token(holder.tryAcquire(request(key, owner, LONG_LEASE)));

        assertThat(intruder.release(key, owner())).isFalse();
        assertThat(intruder.renew(key, owner(), LONG_LEASE)).isFalse();
        assertThat(intruder.tryAcquire(request(key, owner(), LONG_LEASE))).isInstanceOf(AcquireResult.Denied.class);
        assertThat(holder.release(key, owner)).isTrue();
        assertThat(intruder.tryAcquire(request(key, owner(), LONG_LEASE))).isInstanceOf(AcquireResult.Granted.class);
    }

    @Test
    void releaseAfterTheLockWasReleasedReturnsFalse() {
        LockBackend backend = backend();
        String key = key("twice");
        String owner = owner();
        token(backend.tryAcquire(request(key, owner, LONG_LEASE)));

        assertThat(backend.release(key, owner)).isTrue();
        assertThat(backend.release(key, owner)).isFalse();
        assertThat(backend.renew(key, owner, LONG_LEASE)).isFalse();
    }

    @Test
    void renewKeepsTheLockPastItsOriginalLease() {
        LockBackend holder = backend();
        LockBackend other = backend();
        String key = key("renewed");
        String owner = owner();
        token(holder.tryAcquire(request(key, owner, SHORT_LEASE)));

        assertThat(holder.renew(key, owner, renewalLease(SHORT_LEASE, LONG_LEASE))).isTrue();

        // Denied all through three original leases: the renewal, not luck, kept it.
        await().during(SHORT_LEASE.multipliedBy(3)).atMost(SHORT_LEASE.multipliedBy(5))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> other.tryAcquire(request(key, owner(), LONG_LEASE)) instanceof AcquireResult.Denied);
        assertThat(holder.release(key, owner)).isTrue();
    }

    @Test
    void retryOfAGrantedRequestReturnsTheSameGrant() {
        LockBackend backend = backend();
        String key = key("retry");
        AcquireRequest request = request(key, owner(), LONG_LEASE);

        long first = token(backend.tryAcquire(request));
        assertThat(token(backend.tryAcquire(request))).isEqualTo(first);
    }

    @Test
    void fencingTokensGrowAcrossHolders() {
        List<LockBackend> backends = List.of(backend(), backend(), backend());
        String key = key("fenced");
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < 12; i++) {
            LockBackend backend = backends.get(i % backends.size());
            String owner = owner();
            long token = token(backend.tryAcquire(request(key, owner, LONG_LEASE)));
            assertThat(token).as("token of grant %d", i).isGreaterThan(previous);
            previous = token;
            assertThat(backend.release(key, owner)).isTrue();
        }
    }

    /** Backends without notifications are served by the engine's back-off polling: skipped there. */
    @Test
    @ProvesCapability(ContractCapability.RELEASE_NOTIFICATIONS)
    void waiterIsWokenByReleaseWithoutPolling() throws Exception {
        LockBackend holderBackend = backend();
        String key = key("notified");
        String holder = owner();
        token(holderBackend.tryAcquire(request(key, holder, LONG_LEASE)));
        // The waiter's safety poll is longer than this test may run: only the notification can wake it.
        LockEngine waiter = LockEngine.builder(backend()).namespace(namespace)
                .waitSettings(new WaitSettings(Duration.ofMinutes(2), Duration.ofMinutes(2), Duration.ofMinutes(2)))
                .build();
        CompletableFuture<Optional<Lease>> waiting = CompletableFuture.supplyAsync(
                () -> waiter.tryAcquireFullKey(key, LockOptions.of(LONG_LEASE, Duration.ofSeconds(60))));
        await().atMost(Duration.ofSeconds(10)).until(() -> !waiter.waiters().isEmpty());

        assertThat(holderBackend.release(key, holder)).isTrue();

        Optional<Lease> lease = waiting.get(20, TimeUnit.SECONDS);
        assertThat(lease).isPresent();
        lease.get().close();
    }

    @Test
    @ProvesCapability(ContractCapability.FAIR)
    void fairBackendsGrantInRequestOrder() {
        LockBackend holderBackend = backend();
        LockBackend firstBackend = backend();
        LockBackend secondBackend = backend();
        LockBackend thirdBackend = backend();
        String key = key("fair");
        AcquireRequest holder = fairRequest(key, owner());
        AcquireRequest first = fairRequest(key, owner());
        AcquireRequest second = fairRequest(key, owner());
        AcquireRequest third = fairRequest(key, owner());
        token(holderBackend.tryAcquire(holder));
        assertThat(firstBackend.tryAcquire(first)).isInstanceOf(AcquireResult.Denied.class);
        assertThat(secondBackend.tryAcquire(second)).isInstanceOf(AcquireResult.Denied.class);
        assertThat(thirdBackend.tryAcquire(third)).isInstanceOf(AcquireResult.Denied.class);

        assertThat(holderBackend.release(key, holder.owner())).isTrue();

        assertThat(thirdBackend.tryAcquire(third)).as("third, asked last").isInstanceOf(AcquireResult.Denied.class);
        assertThat(secondBackend.tryAcquire(second)).as("second").isInstanceOf(AcquireResult.Denied.class);
        long firstToken = token(firstBackend.tryAcquire(first));
        secondBackend.withdraw(key, second.owner()); // the second waiter gives up: the third moves up
        assertThat(firstBackend.release(key, first.owner())).isTrue();
        assertThat(token(thirdBackend.tryAcquire(third))).isGreaterThan(firstToken);
    }

    @Test
    void differentKeysAreIndependent() {
        LockBackend first = backend();
        LockBackend second = backend();

        token(first.tryAcquire(request(key("one"), owner(), LONG_LEASE)));
        token(second.tryAcquire(request(key("two"), owner(), LONG_LEASE)));
    }

    @Test
    void longKeysWork() {
        exclusiveAndReusable(key("long-" + "k".repeat(1024)));
    }

    @Test
    void nonAsciiKeysWork() {
        exclusiveAndReusable(key("заказ/订单/🔒 with spaces:colons*?"));
        exclusiveAndReusable(key("order/1"));
        exclusiveAndReusable(key("order/1/2"));
    }

    @Test
    void keysThatAreSlashPrefixesOfEachOtherAreIndependent() {
        LockBackend first = backend();
        LockBackend second = backend();
        String key = key("prefix");

        token(first.tryAcquire(request(key, owner(), LONG_LEASE)));
        token(second.tryAcquire(request(key + "/child", owner(), LONG_LEASE)));
        token(second.tryAcquire(request(key + "-sibling", owner(), LONG_LEASE)));
    }

    @Test
    void holdAtLeastKeepsTheLockAfterClose() {
        LockEngine holder = engine(backend());
        LockEngine other = engine(backend());
        String key = "held-" + UUID.randomUUID();
        LockOptions options = LockOptions.of(LONG_LEASE, Duration.ZERO).withHoldAtLeast(Duration.ofSeconds(2));

        holder.acquire(key, options).close();

        assertThat(other.tryAcquire(key, LockOptions.of(LONG_LEASE, Duration.ZERO))).isEmpty();
        Optional<Lease> later = other.tryAcquire(key, LockOptions.of(LONG_LEASE, Duration.ofSeconds(20)));
        assertThat(later).isPresent();
        later.get().close();
    }

    private void exclusiveAndReusable(String key) {
        LockBackend first = backend();
        LockBackend second = backend();
        String owner = owner();

        long token = token(first.tryAcquire(request(key, owner, LONG_LEASE)));
        assertThat(second.tryAcquire(request(key, owner(), LONG_LEASE))).isInstanceOf(AcquireResult.Denied.class);
        assertThat(first.release(key, owner)).isTrue();
        assertThat(token(second.tryAcquire(request(key, owner(), LONG_LEASE)))).isGreaterThan(token);
    }

    /** Whether this backend claims {@code capability}: asked of a fresh instance, closed again. */
    final boolean claims(ContractCapability capability) {
        try (LockBackend probe = newBackend()) {
            return capability.claimedBy(probe);
        }
    }

    protected final LockBackend backend() {
        LockBackend backend = newBackend();
        resources.add(backend);
        return backend;
    }

    protected final LockEngine engine(LockBackend backend) {
        LockEngine engine = LockEngine.builder(backend).namespace(namespace).build();
        resources.add(engine);
        return engine;
    }

    protected final String key(String name) {
        return namespace + ":" + name;
    }

    protected static AcquireRequest request(String key, String owner, Duration ttl) {
        return new AcquireRequest(key, owner, ttl, false);
    }

    private static AcquireRequest fairRequest(String key, String owner) {
        return new AcquireRequest(key, owner, LONG_LEASE, true);
    }
}
