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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;

import org.junit.jupiter.api.Test;

import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEngine;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.RenewRequest;
import dev.distlock.spi.RenewResult;

/**
 * The first part of the backend contract: one holder at a time (across threads, instances and the
 * {@code Lock} view), expiry of an abandoned lock, owner-checked release and renewal (one by one and in batches), idempotent
 * grants and growing fencing tokens. {@link LockBackendContract} adds waiting, fairness, keys and
 * {@code holdAtLeast}.
 */
public abstract class ExclusionContract extends ContractSupport {

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
    void renewAllAnswersEachLeaseInOrderAndKeepsTheHeldOnes() {
        LockBackend holder = backend();
        LockBackend other = backend();
        String owner = owner();
        String held = key("batch-held");
        String heldToo = key("batch-held-too");
        String othersKey = key("batch-others");
        String free = key("batch-free");
        token(holder.tryAcquire(request(held, owner, SHORT_LEASE)));
        token(holder.tryAcquire(request(heldToo, owner, SHORT_LEASE)));
        token(other.tryAcquire(request(othersKey, owner(), LONG_LEASE)));
        Duration renewed = renewalLease(SHORT_LEASE, LONG_LEASE);

        List<RenewResult> answers = holder.renewAll(List.of(new RenewRequest(held, owner, renewed),
                new RenewRequest(othersKey, owner, renewed), new RenewRequest(free, owner, renewed),
                new RenewRequest(heldToo, owner, renewed)));

        assertThat(answers).extracting(RenewResult::extended).containsExactly(true, false, false, true);
        await().during(SHORT_LEASE.multipliedBy(3)).atMost(SHORT_LEASE.multipliedBy(5))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> other.tryAcquire(request(held, owner(), LONG_LEASE)) instanceof AcquireResult.Denied
                        && other.tryAcquire(request(heldToo, owner(), LONG_LEASE)) instanceof AcquireResult.Denied);
        assertThat(holder.renewAll(List.of())).isEmpty();
        assertThat(holder.release(held, owner)).isTrue();
        assertThat(holder.release(heldToo, owner)).isTrue();
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
}
