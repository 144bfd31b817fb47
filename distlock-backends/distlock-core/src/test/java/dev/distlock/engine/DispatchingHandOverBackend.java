package dev.distlock.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.KeyHandOver;

/**
 * A {@link DispatchingScriptedBackend} that also hands a key over without blocking. A held hand-over
 * ({@link #holdHandOvers}) is made in the store at once but its answer is kept back, as a reply still
 * on the wire, until the test {@linkplain #answerHeldHandOver answers it} or never does (a lost reply).
 */
final class DispatchingHandOverBackend extends DispatchingScriptedBackend implements KeyHandOver {

    volatile boolean holdHandOvers;
    volatile Thread handOverDispatchedFrom;
    volatile CompletableFuture<AcquireResult> lastHandOver;
    private volatile AcquireResult heldAnswer;
    final CountDownLatch handOverHeld = new CountDownLatch(1);

    @Override
    public AcquireResult handOver(String key, String owner, AcquireRequest next) {
        return store.handOver(key, owner, next);
    }

    @Override
    public CompletableFuture<AcquireResult> dispatchHandOver(String key, String owner, AcquireRequest next) {
        handOverDispatchedFrom = Thread.currentThread();
        CompletableFuture<AcquireResult> answer = new CompletableFuture<>();
        lastHandOver = answer;
        AcquireResult result = store.handOver(key, owner, next);
        if (holdHandOvers) {
            heldAnswer = result;
            handOverHeld.countDown();
        } else {
            answer.complete(result);
        }
        return answer;
    }

    /** The held hand-over's reply arrives, on a thread of its own as on a client's I/O thread. */
    void answerHeldHandOver() {
        Thread io = new Thread(() -> lastHandOver.complete(heldAnswer), "test-io");
        io.start();
    }
}
