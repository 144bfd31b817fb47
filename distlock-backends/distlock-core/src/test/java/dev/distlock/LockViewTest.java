package dev.distlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.distlock.engine.LockEngine;
import dev.distlock.inmemory.InMemoryLockBackend;

class LockViewTest {

    private static final LockOptions OPTIONS = LockOptions.of(Duration.ofSeconds(60), Duration.ZERO);

    private final InMemoryLockBackend backend = new InMemoryLockBackend();
    private final LockEngine engine = LockEngine.builder(backend).namespace("test").build();
    private final LockEngine otherInstance = LockEngine.builder(backend).namespace("test").build();

    @AfterEach
    void close() {
        engine.close();
        otherInstance.close();
    }

    @Test
    void lockIsExclusiveAcrossInstancesAndReentrantOnItsThread() {
        Lock lock = engine.asLock("orders:42", OPTIONS);
        Lock elsewhere = otherInstance.asLock("orders:42", OPTIONS);

        lock.lock();
        lock.lock();
        assertThat(elsewhere.tryLock()).isFalse();
        lock.unlock();
        assertThat(elsewhere.tryLock()).as("still held after one of two unlocks").isFalse();
        lock.unlock();
        assertThat(elsewhere.tryLock()).isTrue();
        elsewhere.unlock();
    }

    @Test
    void whileHeldTheLeaseIsTheCurrentOneWithItsToken() {
        Lock lock = engine.asLock("orders:42", OPTIONS);

        lock.lock();
        try {
            assertThat(LockContext.currentLease()).hasValueSatisfying(lease -> {
                assertThat(lease.key()).isEqualTo("test:orders:42");
                assertThat(lease.fencingToken()).isPositive();
            });
        } finally {
            lock.unlock();
        }
        assertThat(LockContext.currentLease()).isEmpty();
    }

    @Test
    void onlyTheThreadThatLockedMayUnlock() throws Exception {
        Lock lock = engine.asLock("orders:42", OPTIONS);
        lock.lock();
        try {
            CompletableFuture<Void> otherThread = CompletableFuture.runAsync(lock::unlock);
            assertThatThrownBy(() -> otherThread.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(IllegalMonitorStateException.class)
                    .hasMessageContaining("test:orders:42");
        } finally {
            lock.unlock();
        }
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
    }

    @Test
    void tryLockWithATimeIsGrantedWhenTheHolderUnlocksWithinIt() throws Exception {
        Lock holder = otherInstance.asLock("orders:42", OPTIONS);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch unlock = new CountDownLatch(1);
        CompletableFuture<Void> holding = CompletableFuture.runAsync(() -> {
            holder.lock();
            held.countDown();
            try {
                unlock.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                holder.unlock();
            }
        });
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
        Lock lock = engine.asLock("orders:42", OPTIONS);

        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                boolean granted = lock.tryLock(30, TimeUnit.SECONDS);
                if (granted) {
                    lock.unlock();
                }
                return granted;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        unlock.countDown();

        assertThat(waiting.get(20, TimeUnit.SECONDS)).isTrue();
        holding.get(10, TimeUnit.SECONDS);
    }

    @Test
    void lockInterruptiblyAnswersAnInterruptAndLockKeepsWaitingThroughOne() throws Exception {
        Lock holder = otherInstance.asLock("orders:42", OPTIONS);
        assertThat(holder.tryLock()).isTrue();
        try {
            Lock lock = engine.asLock("orders:42", OPTIONS);
            Thread.currentThread().interrupt();
            assertThatThrownBy(lock::lockInterruptibly).isInstanceOf(InterruptedException.class);
            assertThat(Thread.interrupted()).as("the interrupt was consumed by the exception").isFalse();

            AtomicBoolean interruptKept = new AtomicBoolean();
            CountDownLatch started = new CountDownLatch(1);
            Thread waiter = new Thread(() -> {
                started.countDown();
                lock.lock();
                interruptKept.set(Thread.currentThread().isInterrupted());
                lock.unlock();
            });
            waiter.start();
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            waiter.interrupt();
            assertThat(waiter.isAlive()).as("lock() did not give up on the interrupt").isTrue();
            holder.unlock();
            waiter.join(TimeUnit.SECONDS.toMillis(20));
            assertThat(waiter.isAlive()).isFalse();
            assertThat(interruptKept).as("lock() hands the interrupt back once held").isTrue();
        } finally {
            if (LockContext.currentLease().isPresent()) {
                holder.unlock();
            }
        }
    }

    @Test
    void conditionsAreNotSupported() {
        assertThatThrownBy(() -> engine.asLock("orders:42", OPTIONS).newCondition())
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("test:orders:42");
    }

    @Test
    void checkedCallReturnsTheResultAndPassesTheExceptionOnAfterRelease() throws Exception {
        assertThat(engine.callLockedChecked("orders:42", OPTIONS, () -> "paid")).isEqualTo("paid");

        assertThatThrownBy(() -> engine.callLockedChecked("orders:42", OPTIONS, () -> {
            throw new IOException("disk full");
        })).isInstanceOf(IOException.class).hasMessage("disk full");
        assertThat(otherInstance.tryAcquire("orders:42", OPTIONS)).as("released after the exception")
                .hasValueSatisfying(Lease::close);
    }
}
