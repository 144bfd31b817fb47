package dev.distlock.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.DispatchingBackend;
import dev.distlock.spi.ReleaseOutcome;

/**
 * A {@link ScriptedBackend} that also sends acquire attempts and releases without blocking, as an
 * asynchronous client would: it records the thread each was sent from and keeps the last future, which
 * it answers at once from the store, or leaves unanswered (a store that never replies) until the test
 * completes it.
 */
class DispatchingScriptedBackend extends ScriptedBackend implements DispatchingBackend {

    /** Dispatch nothing: every call goes through the blocking methods. */
    volatile boolean cannotDispatch;
    /** Sent, but the store never answers: the future stays open until the test completes it. */
    volatile boolean holdAcquires;
    volatile boolean holdReleases;
    volatile Thread acquireDispatchedFrom;
    volatile Thread releaseDispatchedFrom;
    volatile Thread blockingAcquireRanOn;
    volatile CompletableFuture<AcquireResult> lastAcquire;
    volatile CompletableFuture<ReleaseOutcome> lastRelease;
    final CountDownLatch acquireHeld = new CountDownLatch(1);
    final CountDownLatch releaseHeld = new CountDownLatch(1);

    @Override
    public AcquireResult tryAcquire(AcquireRequest request) {
        blockingAcquireRanOn = Thread.currentThread();
        return super.tryAcquire(request);
    }

    @Override
    public CompletableFuture<AcquireResult> dispatchAcquire(AcquireRequest request) {
        if (cannotDispatch) {
            return null;
        }
        acquireDispatchedFrom = Thread.currentThread();
        CompletableFuture<AcquireResult> answer = new CompletableFuture<>();
        lastAcquire = answer;
        if (holdAcquires) {
            acquireHeld.countDown();
        } else {
            answer.complete(store.tryAcquire(request));
        }
        return answer;
    }

    @Override
    public CompletableFuture<ReleaseOutcome> dispatchRelease(String key, String owner) {
        if (cannotDispatch) {
            return null;
        }
        releaseDispatchedFrom = Thread.currentThread();
        CompletableFuture<ReleaseOutcome> answer = new CompletableFuture<>();
        lastRelease = answer;
        if (holdReleases) {
            releaseHeld.countDown();
        } else {
            answer.complete(ReleaseOutcome.of(store.release(key, owner)));
        }
        return answer;
    }
}
