package dev.distlock.engine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.KeyHandOver;
import dev.distlock.spi.LockBackendException;

/**
 * The in-memory store, counting its calls, whose hand-over can be held until a test lets it go
 * ({@link #holdHandOvers}) or made to fail as an unanswered store call would ({@link #failHandOvers}).
 */
final class HandOverRecordingBackend extends ForwardingInMemoryBackend implements KeyHandOver {

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
    public AcquireResult tryAcquire(AcquireRequest request) {
        acquireCalls.incrementAndGet();
        return super.tryAcquire(request);
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
    public boolean release(String key, String owner) {
        releaseCalls.incrementAndGet();
        releasedOwners.add(owner);
        return super.release(key, owner);
    }
}
