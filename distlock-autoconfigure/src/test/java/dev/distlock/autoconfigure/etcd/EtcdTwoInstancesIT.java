package dev.distlock.autoconfigure.etcd;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.distlock.DistributedLock;
import dev.distlock.Lease;
import dev.distlock.LockContext;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.engine.LockEngine;
import dev.distlock.etcd.EtcdLockBackend;
import dev.distlock.testsupport.EtcdServerFixture;
import dev.distlock.testsupport.FencedResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two application contexts, standing for two instances of one application, each with its own etcd
 * backend and client from {@code distlock.backend=etcd} and the endpoint, against a real etcd.
 */
class EtcdTwoInstancesIT {

    private static final int THREADS_PER_INSTANCE = 3;
    private static final int CALLS_PER_THREAD = 15;
    private static final String KEY = "invoice-42";

    private static EtcdServerFixture etcd;

    private final ExecutorService threads = Executors.newFixedThreadPool(2 * THREADS_PER_INSTANCE);
    private final CriticalSection shared = new CriticalSection();

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdServerFixture.start();
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void oneKeyIsHeldByOneInstanceAtATimeWithGrowingFencingTokens() {
        ApplicationContextRunner instance = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class))
                .withPropertyValues("distlock.backend=etcd", "distlock.etcd.endpoints=" + etcd.clientUrl())
                .withBean(CriticalSection.class, () -> shared)
                .withBean(InvoiceService.class);

        instance.run(first -> instance.run(second -> {
            assertThat(first.getBean(LockEngine.class).backend()).isInstanceOf(EtcdLockBackend.class);
            assertThat(second.getBean(LockEngine.class).backend())
                    .isNotSameAs(first.getBean(LockEngine.class).backend());
            List<Callable<Integer>> callers = new ArrayList<>();
            for (int i = 0; i < THREADS_PER_INSTANCE; i++) {
                callers.add(caller(first.getBean(InvoiceService.class)));
                callers.add(caller(second.getBean(InvoiceService.class)));
            }
            List<Future<Integer>> results = threads.invokeAll(callers, 60, TimeUnit.SECONDS);
            for (Future<Integer> result : results) {
                assertThat(result.get()).isEqualTo(CALLS_PER_THREAD);
            }
        }));

        int calls = 2 * THREADS_PER_INSTANCE * CALLS_PER_THREAD;
        assertThat(shared.maxInside.get()).as("callers inside the method at once").isEqualTo(1);
        assertThat(shared.tokens).hasSize(calls).doesNotHaveDuplicates().isSorted();
        assertThat(shared.resource.rejectedStale()).isZero();
        assertThat(shared.resource.counter(KEY)).isEqualTo(calls);
        assertThat(shared.instances).as("instances that ran the method").hasSize(2);
    }

    private static Callable<Integer> caller(InvoiceService service) {
        return () -> {
            for (int i = 0; i < CALLS_PER_THREAD; i++) {
                service.issue(KEY);
            }
            return CALLS_PER_THREAD;
        };
    }

    /** What both instances see: who is inside, the tokens in the order the lock was granted, a fenced resource. */
    static final class CriticalSection {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger maxInside = new AtomicInteger();
        final List<Long> tokens = new ArrayList<>();
        final List<String> instances = new ArrayList<>();
        final FencedResource resource = new FencedResource();
    }

    /** One per context; records its own identity so that the test can see both instances took the lock. */
    public static class InvoiceService {

        private final CriticalSection shared;

        public InvoiceService(CriticalSection shared) {
            this.shared = shared;
        }

        @DistributedLock(key = "#invoice", lease = "10s", waitFor = "30s")
        public void issue(String invoice) {
            int inside = shared.inside.incrementAndGet();
            try {
                shared.maxInside.accumulateAndGet(inside, Math::max);
                Lease lease = LockContext.currentLease().orElseThrow();
                // Appended under the lock, so the list is in the order of the grants.
                synchronized (shared) {
                    shared.tokens.add(lease.fencingToken());
                    String instance = Integer.toHexString(System.identityHashCode(this));
                    if (!shared.instances.contains(instance)) {
                        shared.instances.add(instance);
                    }
                }
                shared.resource.write(invoice, lease.fencingToken());
                Thread.yield();
            } finally {
                shared.inside.decrementAndGet();
            }
        }
    }
}
