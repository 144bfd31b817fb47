package dev.distlock.shedlock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockExtender;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.distlock.Lease;
import dev.distlock.LockContext;
import dev.distlock.engine.LockEngine;
import dev.distlock.spi.LockBackend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * ShedLock's provider semantics, held against {@link DistlockLockProvider} on one backend: two
 * instances of an application (two engines on one store), each with its provider.
 */
abstract class DistlockLockProviderContract {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private final List<LockEngine> engines = new ArrayList<>();
    private final List<SimpleLock> taken = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private DistlockLockProvider provider;
    private DistlockLockProvider otherInstance;
    private final String name = "job-" + UUID.randomUUID();

    /** A backend on the shared store, as one instance of the application would have it. */
    protected abstract LockBackend newBackend();

    @BeforeEach
    void startInstances() {
        provider = new DistlockLockProvider(engine());
        otherInstance = new DistlockLockProvider(engine());
    }

    @AfterEach
    void stopInstances() throws Exception {
        taken.forEach(SimpleLock::unlock);
        threads.shutdownNow();
        for (LockEngine engine : engines) {
            engine.close();
            engine.backend().close();
        }
    }

    @Test
    void freeLockIsGrantedAndHeldInTheStore() {
        assertThat(lock(provider, atMost(Duration.ofSeconds(10)))).isPresent();

        assertThat(lock(otherInstance, atMost(Duration.ofSeconds(10)))).isEmpty();
    }

    @Test
    void heldLockIsRefusedToAnotherThreadOfTheSameInstance() throws Exception {
        assertThat(lock(provider, atMost(Duration.ofSeconds(10)))).isPresent();

        Future<Optional<SimpleLock>> fromAnotherThread = threads.submit(() -> lock(provider, atMost(Duration.ofSeconds(10))));

        assertThat(fromAnotherThread.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void heldLockIsRefusedToTheThreadThatHoldsItAsShedLockLocksAreNotReentrant() {
        assertThat(lock(provider, atMost(Duration.ofSeconds(10)))).isPresent();

        assertThat(lock(provider, atMost(Duration.ofSeconds(10)))).isEmpty();
    }

    @Test
    void unlockedLockIsGrantedAgainToEveryInstance() {
        lock(provider, atMost(Duration.ofSeconds(10))).orElseThrow().unlock();
        lock(provider, atMost(Duration.ofSeconds(10))).orElseThrow().unlock();

        assertThat(lock(otherInstance, atMost(Duration.ofSeconds(10)))).isPresent();
    }

    @Test
    void unlockIsIdempotentAndDoesNotFreeTheNextHoldersLock() {
        SimpleLock first = lock(provider, atMost(Duration.ofSeconds(10))).orElseThrow();
        first.unlock();
        assertThat(lock(provider, atMost(Duration.ofSeconds(10)))).isPresent();

        first.unlock();

        assertThat(lock(otherInstance, atMost(Duration.ofSeconds(10)))).isEmpty();
    }

    @Test
    void lockAtMostForEndsTheLockWithoutAnUnlock() {
        assertThat(lock(provider, atMost(Duration.ofMillis(50)))).isPresent();

        Optional<SimpleLock> afterExpiry = await().atMost(BOUND).pollInterval(Duration.ofMillis(10))
                .until(() -> lock(otherInstance, atMost(Duration.ofSeconds(10))), Optional::isPresent);

        assertThat(afterExpiry).isPresent();
        assertThat(lock(provider, atMost(Duration.ofSeconds(10)))).isEmpty();
    }

    @Test
    void lockAtMostForEndsTheLockForTheThreadThatHeldItToo() {
        assertThat(lock(provider, atMost(Duration.ofMillis(50)))).isPresent();

        Optional<SimpleLock> again = await().atMost(BOUND).pollInterval(Duration.ofMillis(10))
                .until(() -> lock(provider, atMost(Duration.ofSeconds(10))), Optional::isPresent);

        assertThat(again).isPresent();
        assertThat(lock(otherInstance, atMost(Duration.ofSeconds(10)))).isEmpty();
    }

    @Test
    void lockAtLeastForKeepsTheLockAfterAnEarlyUnlock() {
        Duration atLeast = Duration.ofSeconds(1);
        long before = System.nanoTime();
        lock(provider, configuration(Duration.ofSeconds(10), atLeast)).orElseThrow().unlock();

        Optional<SimpleLock> rightAfterUnlock = lock(otherInstance, atMost(Duration.ofSeconds(10)));
        assumeTrue(System.nanoTime() - before < atLeast.toNanos(), "the machine stalled past lockAtLeastFor");
        assertThat(rightAfterUnlock).isEmpty();
        assertThat(lock(provider, atMost(Duration.ofSeconds(10)))).isEmpty();

        await().atMost(BOUND).pollInterval(Duration.ofMillis(20))
                .until(() -> lock(otherInstance, atMost(Duration.ofSeconds(10))), Optional::isPresent);
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(atLeast);
    }

    @Test
    void extendKeepsTheLockPastItsFirstLockAtMostForAndTheReturnedLockUnlocksIt() {
        SimpleLock first = lock(provider, atMost(Duration.ofMillis(300))).orElseThrow();
        long before = System.nanoTime();

        SimpleLock extended = extend(first, Duration.ofSeconds(10), Duration.ZERO).orElseThrow();

        await().atMost(BOUND).until(() -> System.nanoTime() - before > Duration.ofMillis(600).toNanos());
        assertThat(lock(otherInstance, atMost(Duration.ofSeconds(10)))).as("held past the first lockAtMostFor").isEmpty();
        first.unlock();
        assertThat(lock(otherInstance, atMost(Duration.ofSeconds(10)))).as("the replaced lock unlocks nothing").isEmpty();

        extended.unlock();
        assertThat(lock(otherInstance, atMost(Duration.ofSeconds(10)))).isPresent();
    }

    @Test
    void extendCanShortenTheLock() {
        SimpleLock first = lock(provider, atMost(Duration.ofSeconds(30))).orElseThrow();

        assertThat(extend(first, Duration.ofMillis(50), Duration.ZERO)).isPresent();

        await().atMost(BOUND).pollInterval(Duration.ofMillis(10))
                .until(() -> lock(otherInstance, atMost(Duration.ofSeconds(10))), Optional::isPresent);
    }

    @Test
    void aLockWhoseLockAtMostForPassedCannotBeExtended() {
        SimpleLock first = lock(provider, atMost(Duration.ofMillis(50))).orElseThrow();
        await().atMost(BOUND).pollInterval(Duration.ofMillis(10))
                .until(() -> lock(otherInstance, atMost(Duration.ofSeconds(10))), Optional::isPresent);

        assertThat(extend(first, Duration.ofSeconds(10), Duration.ZERO)).isEmpty();
    }

    @Test
    void anUnlockedOrReplacedLockCannotBeExtendedAgain() {
        SimpleLock first = lock(provider, atMost(Duration.ofSeconds(10))).orElseThrow();
        SimpleLock extended = extend(first, Duration.ofSeconds(10), Duration.ZERO).orElseThrow();
        extended.unlock();

        assertThatIllegalStateException().isThrownBy(() -> first.extend(Duration.ofSeconds(10), Duration.ZERO))
                .withMessageContaining(name);
        assertThatIllegalStateException().isThrownBy(() -> extended.extend(Duration.ofSeconds(10), Duration.ZERO))
                .withMessageContaining(name);
    }

    @Test
    void aLockAtLeastForWithinTheFirstIsKeptAndOneEndingLaterIsRefusedNamingBoth() {
        SimpleLock first = lock(provider, configuration(Duration.ofSeconds(20), Duration.ofSeconds(10))).orElseThrow();

        SimpleLock extended = extend(first, Duration.ofSeconds(20), Duration.ofSeconds(1)).orElseThrow();

        assertThatThrownBy(() -> extended.extend(Duration.ofSeconds(60), Duration.ofSeconds(30)))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("lockAtLeastFor").hasMessageContaining("PT30S").hasMessageContaining(name);
        extended.unlock();
        assertThat(lock(otherInstance, atMost(Duration.ofSeconds(10)))).as("the first lockAtLeastFor still holds").isEmpty();
    }

    @Test
    void lockExtenderExtendsTheLockOfTheTaskRunning() throws Throwable {
        DefaultLockingTaskExecutor executor = new DefaultLockingTaskExecutor(provider);
        AtomicInteger otherGrants = new AtomicInteger();

        executor.executeWithLock((LockingTaskExecutor.Task) () -> {
            long before = System.nanoTime();
            LockExtender.extendActiveLock(Duration.ofSeconds(10), Duration.ZERO);
            await().atMost(BOUND).until(() -> System.nanoTime() - before > Duration.ofMillis(600).toNanos());
            lock(otherInstance, atMost(Duration.ofSeconds(10))).ifPresent(lock -> otherGrants.incrementAndGet());
        }, atMost(Duration.ofMillis(300)));

        assertThat(otherGrants).as("no other instance got the lock while the extended task ran").hasValue(0);
        assertThat(lock(otherInstance, atMost(Duration.ofSeconds(10)))).as("released when the task ended").isPresent();
    }

    @Test
    void lockingThreadSeesTheLeaseWithItsFencingTokenUntilUnlock() {
        SimpleLock first = lock(provider, atMost(Duration.ofSeconds(10))).orElseThrow();
        Lease firstLease = LockContext.currentLease().orElseThrow();
        assertThat(firstLease.key()).isEqualTo("shedlock-test:" + name);
        first.unlock();
        assertThat(LockContext.currentLease()).isEmpty();

        lock(otherInstance, atMost(Duration.ofSeconds(10))).orElseThrow();

        assertThat(LockContext.currentLease().orElseThrow().fencingToken()).isGreaterThan(firstLease.fencingToken());
    }

    @Test
    void manyThreadsOfTwoInstancesNeverHoldTheLockTogether() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger grants = new AtomicInteger();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            DistlockLockProvider instance = i % 2 == 0 ? provider : otherInstance;
            workers.add(CompletableFuture.runAsync(() -> {
                for (int round = 0; round < 25; round++) {
                    Optional<SimpleLock> lock = instance.lock(atMost(Duration.ofSeconds(10)));
                    if (lock.isEmpty()) {
                        continue;
                    }
                    grants.incrementAndGet();
                    if (inside.incrementAndGet() != 1) {
                        overlaps.incrementAndGet();
                    }
                    Thread.yield();
                    inside.decrementAndGet();
                    lock.get().unlock();
                }
            }, threads));
        }
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(BOUND.toSeconds() * 3, TimeUnit.SECONDS);

        assertThat(overlaps).hasValue(0);
        assertThat(grants.get()).isPositive();
    }

    private LockEngine engine() {
        LockEngine engine = LockEngine.builder(newBackend()).namespace("shedlock-test")
                .shutdownTimeout(Duration.ofMillis(100)).build();
        engines.add(engine);
        return engine;
    }

    private Optional<SimpleLock> lock(DistlockLockProvider on, LockConfiguration configuration) {
        Optional<SimpleLock> lock = on.lock(configuration);
        lock.ifPresent(taken::add);
        return lock;
    }

    private Optional<SimpleLock> extend(SimpleLock lock, Duration lockAtMostFor, Duration lockAtLeastFor) {
        Optional<SimpleLock> extended = lock.extend(lockAtMostFor, lockAtLeastFor);
        extended.ifPresent(taken::add);
        return extended;
    }

    private LockConfiguration atMost(Duration lockAtMostFor) {
        return configuration(lockAtMostFor, Duration.ZERO);
    }

    private LockConfiguration configuration(Duration lockAtMostFor, Duration lockAtLeastFor) {
        return new LockConfiguration(Instant.now(), name, lockAtMostFor, lockAtLeastFor);
    }
}
