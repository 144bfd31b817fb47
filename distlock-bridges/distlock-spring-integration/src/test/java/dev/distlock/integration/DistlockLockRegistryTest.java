package dev.distlock.integration;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.integration.support.locks.DistributedLock;

import dev.distlock.engine.HeldLockInfo;
import dev.distlock.engine.LockEngine;
import dev.distlock.inmemory.InMemoryLockBackend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The registry's locks behave as Spring Integration's own (re-entrant per thread, unlocked by their
 * owner), on the in-memory backend; two engines on one store are two instances of an application.
 */
class DistlockLockRegistryTest {

    private static final long BOUND_SECONDS = 10;

    private final MovableClock storeClock = new MovableClock();
    private final InMemoryLockBackend store = new InMemoryLockBackend(storeClock);
    private final LockEngine engine = LockEngine.builder(store).shutdownTimeout(Duration.ofMillis(100)).build();
    private final LockEngine otherEngine = LockEngine.builder(store).shutdownTimeout(Duration.ofMillis(100)).build();
    private final DistlockLockRegistry registry = new DistlockLockRegistry(engine, Duration.ofSeconds(30));
    private final DistlockLockRegistry otherInstance = new DistlockLockRegistry(otherEngine, Duration.ofSeconds(30));
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
        engine.close();
        otherEngine.close();
    }

    @Test
    void holdingThreadReentersAndTheLockIsFreeAfterItsLastUnlock() throws Exception {
        DistributedLock lock = registry.obtain("orders");
        assertThat(lock.tryLock()).isTrue();
        assertThat(registry.obtain("orders").tryLock()).isTrue();

        lock.unlock();
        assertThat(otherInstance.obtain("orders").tryLock()).isFalse();
        lock.unlock();

        assertThat(otherInstance.obtain("orders").tryLock()).isTrue();
        otherInstance.obtain("orders").unlock();
    }

    @Test
    void heldLockIsRefusedToAnotherThreadAndToAnotherInstance() throws Exception {
        registry.obtain("orders").lock();

        assertThat(threads.submit(() -> registry.obtain("orders").tryLock()).get(BOUND_SECONDS, TimeUnit.SECONDS)).isFalse();
        assertThat(otherInstance.obtain("orders").tryLock()).isFalse();

        registry.obtain("orders").unlock();
    }

    @Test
    void onlyTheHoldingThreadUnlocks() throws Exception {
        registry.obtain("orders").lock();

        Future<?> fromAnotherThread = threads.submit(() -> registry.obtain("orders").unlock());

        assertThat(fromAnotherThread).failsWithin(Duration.ofSeconds(BOUND_SECONDS))
                .withThrowableThat().havingCause().isInstanceOf(IllegalStateException.class)
                .withMessageContaining("not held by the current thread");
        registry.obtain("orders").unlock();
        assertThatThrownBy(() -> registry.obtain("orders").unlock()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void tryLockWithATimeWaitsForTheHolderToUnlock() throws Exception {
        registry.obtain("orders").lock();
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                DistributedLock lock = otherInstance.obtain("orders");
                boolean locked = lock.tryLock(BOUND_SECONDS, TimeUnit.SECONDS);
                lock.unlock();
                return locked;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, threads);
        await().atMost(Duration.ofSeconds(BOUND_SECONDS)).until(() -> !otherEngine.waiters().isEmpty());

        registry.obtain("orders").unlock();

        assertThat(waiter.get(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    /** As {@code tryLock(Long.MAX_VALUE, NANOSECONDS)} is a way to say "wait as long as it takes". */
    @Test
    void tryLockWithTheLongestTimeWaitsForTheHolderToUnlock() throws Exception {
        registry.obtain("orders").lock();
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                DistributedLock lock = otherInstance.obtain("orders");
                boolean locked = lock.tryLock(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
                if (locked) {
                    lock.unlock();
                }
                return locked;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, threads);
        await().atMost(Duration.ofSeconds(BOUND_SECONDS)).until(() -> !otherEngine.waiters().isEmpty() || waiter.isDone());
        assertThat(waiter).isNotDone();

        registry.obtain("orders").unlock();

        assertThat(waiter.get(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void waitingForALockIsInterruptible() throws Exception {
        registry.obtain("orders").lock();
        AtomicReference<Thread> waitingThread = new AtomicReference<>();
        CompletableFuture<Throwable> waiter = CompletableFuture.supplyAsync(() -> {
            waitingThread.set(Thread.currentThread());
            try {
                otherInstance.obtain("orders").lockInterruptibly();
                return null;
            } catch (InterruptedException e) {
                return Thread.currentThread().isInterrupted() ? new AssertionError("interrupt flag still set") : e;
            }
        }, threads);
        await().atMost(Duration.ofSeconds(BOUND_SECONDS)).until(() -> !otherEngine.waiters().isEmpty());

        waitingThread.get().interrupt();

        assertThat(waiter.get(BOUND_SECONDS, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        registry.obtain("orders").unlock();
    }

    @Test
    void ttlGivenToTheLockIsItsLease() {
        DistributedLock lock = registry.obtain("orders");
        lock.lock(Duration.ofSeconds(7));

        HeldLockInfo held = engine.heldLocks().get(0);
        assertThat(held.key()).isEqualTo("distlock:orders");
        assertThat(Duration.between(held.acquiredAt(), held.expiresAt())).isEqualTo(Duration.ofSeconds(7));
        lock.unlock();
    }

    @Test
    void renewLockRefusesALockTheCurrentThreadDoesNotHold() throws Exception {
        assertThatThrownBy(() -> registry.renewLock("orders")).isInstanceOf(IllegalStateException.class);
        DistributedLock lock = registry.obtain("orders");
        lock.lock();

        Future<?> fromAnotherThread = threads.submit(() -> registry.renewLock("orders"));

        assertThat(fromAnotherThread).failsWithin(Duration.ofSeconds(BOUND_SECONDS))
                .withThrowableThat().havingCause().isInstanceOf(IllegalStateException.class);
        lock.unlock();
    }

    @Test
    void renewLockWithATtlMakesItTheLeaseThatDistlockKeepsRenewing() {
        DistributedLock lock = registry.obtain("orders");
        lock.lock(Duration.ofSeconds(5));

        registry.renewLock("orders", Duration.ofMinutes(5));

        HeldLockInfo held = engine.heldLocks().get(0);
        assertThat(Duration.between(Instant.now(), held.expiresAt())).isGreaterThan(Duration.ofMinutes(4));
        registry.renewLock("orders");
        assertThat(Duration.between(Instant.now(), engine.heldLocks().get(0).expiresAt())).isGreaterThan(Duration.ofMinutes(4));
        lock.unlock();
    }

    @Test
    void lostLeaseIsNotReenteredAndTheThreadHoldsNothingAfterwards() {
        DistributedLock lock = registry.obtain("orders");
        lock.lock(Duration.ofMillis(600));

        // The store's clock runs past the lease: the next renewal is refused, and the engine marks the lease lost.
        storeClock.advance(Duration.ofHours(1));
        await().atMost(Duration.ofSeconds(BOUND_SECONDS)).until(() -> engine.heldLocks().isEmpty());

        assertThat(lock.tryLock()).isFalse();
        assertThatThrownBy(() -> registry.renewLock("orders")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalStateException.class);
        assertThat(lock.tryLock()).isTrue();
        lock.unlock();
    }

    @Test
    void executeLockedRunsUnderTheLock() throws Exception {
        String seen = registry.executeLocked("orders", () ->
                otherInstance.obtain("orders").tryLock() ? "not locked" : "locked");

        assertThat(seen).isEqualTo("locked");
        assertThat(otherInstance.obtain("orders").tryLock()).isTrue();
        otherInstance.obtain("orders").unlock();
    }

    @Test
    void conditionsAndNonStringKeysAreRefused() {
        assertThatThrownBy(() -> registry.obtain("orders").newCondition()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> registry.obtain(42)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A store clock a test moves forward. */
    private static final class MovableClock extends Clock {

        private volatile Duration offset = Duration.ZERO;

        void advance(Duration by) {
            offset = offset.plus(by);
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
