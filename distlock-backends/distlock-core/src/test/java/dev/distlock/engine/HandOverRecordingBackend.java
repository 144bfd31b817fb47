package dev.distlock.engine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.distlock.inmemory.InMemoryLockBackend;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.BackendCapabilities;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.KeyHandOver;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.NonBlockingBackend;
import dev.distlock.spi.ReleaseNotifications;

/**
 * The in-memory store, counting its calls, whose hand-over can be held until a test lets it go
 * ({@link #holdHandOvers}) or made to fail as an unanswered store call would ({@link #failHandOvers}).
 */
final class HandOverRecordingBackend implements LockBackend, ReleaseNotifications, KeyHandOver, NonBlockingBackend {

    private final InMemoryLockBackend store = new InMemoryLockBackend();
    final AtomicInteger acquireCalls = new AtomicInteger();
    final AtomicInteger releaseCalls = new AtomicInteger();
    final AtomicInteger handOverCalls = new AtomicInteger();
    final List<String> releasedOwners = new CopyOnWriteArrayList<>();
    final CountDownLatch handOverStarted = new CountDownLatch(1);
    volatile CountDownLatch holdHandOvers = new CountDownLatch(0);
    volatile boolean failHandOvers;

    @Override
    public String name() {
        return "hand-over-recording";
    }

    @Override
    public BackendCapabilities capabilities() {
        return store.capabilities();
    }

    @Override
    public AcquireResult tryAcquire(AcquireRequest request) {
        acquireCalls.incrementAndGet();
        return store.tryAcquire(request);
    }

    @Override
    public AcquireResult handOver(String key, String owner, AcquireRequest next) {
        handOverCalls.incrementAndGet();
        handOverStarted.countDown();
        try {
            if (!holdHandOvers.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never let the hand-over go");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockBackendException("interrupted", e);
        }
        AcquireResult result = store.handOver(key, owner, next);
        if (failHandOvers) {
            throw new LockBackendException("the store's answer was lost");
        }
        return result;
    }

    @Override
    public boolean renew(String key, String owner, Duration ttl) {
        return store.renew(key, owner, ttl);
    }

    @Override
    public boolean release(String key, String owner) {
        releaseCalls.incrementAndGet();
        releasedOwners.add(owner);
        return store.release(key, owner);
    }

    @Override
    public void withdraw(String key, String owner) {
        store.withdraw(key, owner);
    }

    @Override
    public BackendHealth health() {
        return store.health();
    }

    @Override
    public Subscription subscribe(String key, String owner, Runnable onChange) {
        return store.subscribe(key, owner, onChange);
    }

    @Override
    public void close() {
        store.close();
    }
}
