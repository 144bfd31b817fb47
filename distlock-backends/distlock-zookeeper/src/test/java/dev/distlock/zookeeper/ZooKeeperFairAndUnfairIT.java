package dev.distlock.zookeeper;

import static dev.distlock.testsupport.BackendCalls.owner;
import static dev.distlock.testsupport.BackendCalls.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEngine;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.testsupport.ZooKeeperServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fair and unfair requests for the same key name are requests for the same lock: whoever holds it,
 * through either mode, keeps everybody else out, and a fair waiter behind an unfair holder gets the
 * key after it.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ZooKeeperFairAndUnfairIT {

    private static final Duration LEASE = Duration.ofSeconds(30);

    private static ZooKeeperServerFixture zookeeper;

    private final List<AutoCloseable> resources = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        zookeeper = ZooKeeperServerFixture.single();
    }

    @AfterAll
    static void stopServer() {
        zookeeper.close();
    }

    @AfterEach
    void closeResources() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void anUnfairHolderKeepsFairRequestsOutAndAFairHolderKeepsUnfairOnesOut() {
        ZooKeeperLockBackend first = backend();
        ZooKeeperLockBackend second = backend();
        String key = "mixed:" + UUID.randomUUID();
        String unfairHolder = owner();
        String fairWaiter = owner();

        long unfairToken = token(first.tryAcquire(new AcquireRequest(key, unfairHolder, LEASE, false)));
        assertThat(second.tryAcquire(new AcquireRequest(key, fairWaiter, LEASE, true)))
                .as("fair request while an unfair one holds").isInstanceOf(AcquireResult.Denied.class);
        assertThat(first.release(key, unfairHolder)).isTrue();

        long fairToken = token(second.tryAcquire(new AcquireRequest(key, fairWaiter, LEASE, true)));
        assertThat(fairToken).isGreaterThan(unfairToken);
        assertThat(first.tryAcquire(new AcquireRequest(key, owner(), LEASE, false)))
                .as("unfair request while a fair one holds").isInstanceOf(AcquireResult.Denied.class);
        assertThat(second.release(key, fairWaiter)).isTrue();
        assertThat(token(first.tryAcquire(new AcquireRequest(key, owner(), LEASE, false)))).isGreaterThan(fairToken);
    }

    @Test
    void fairAndUnfairThreadsOnOneKeyNeverHoldItTogether() throws Exception {
        List<LockEngine> engines = List.of(engine(), engine(), engine());
        String key = "mixed-counter-" + UUID.randomUUID();
        int threads = 6;
        int rounds = 15;
        int[] counter = {0};
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                LockEngine engine = engines.get(t % engines.size());
                LockOptions options = LockOptions.of(LEASE, Duration.ofSeconds(60)).withFair(t % 2 == 0);
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        try (Lease lease = engine.acquire(key, options)) {
                            if (inside.incrementAndGet() > 1) {
                                overlaps.incrementAndGet();
                            }
                            int read = counter[0];
                            Thread.yield(); // widen the race a broken lock would lose
                            counter[0] = read + 1;
                            inside.decrementAndGet();
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

    private ZooKeeperLockBackend backend() {
        ZooKeeperLockBackend backend = ZooKeeperLockBackend.create(ZooKeeperSettings.builder(zookeeper.connectString())
                .sessionTimeout(LEASE)
                .build());
        resources.add(backend);
        return backend;
    }

    private LockEngine engine() {
        LockEngine engine = LockEngine.builder(backend()).build();
        resources.add(engine);
        return engine;
    }
}
