package dev.distlock.tck;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.distlock.Lease;
import dev.distlock.engine.LockEngine;

/**
 * A method running under a lock on a thread of its own, as a job does, until {@link #finish()}:
 * then it leaves its block, which releases the lock. The engine's shutdown waits for such methods.
 */
final class HoldingThread {

    private final CountDownLatch finish = new CountDownLatch(1);
    private final CompletableFuture<Lease> acquired = new CompletableFuture<>();

    private HoldingThread(LockEngine engine) {
        Thread thread = new Thread(() -> {
            try (Lease lease = StoreFaultCalls.firstLock(engine)) {
                acquired.complete(lease);
                finish.await();
            } catch (Throwable e) {
                acquired.completeExceptionally(e);
            }
        }, "holding-thread");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts the thread and returns once it holds its lock. */
    static HoldingThread start(LockEngine engine) throws Exception {
        HoldingThread holding = new HoldingThread(engine);
        holding.acquired.get(60, TimeUnit.SECONDS);
        return holding;
    }

    Lease lease() {
        return acquired.join();
    }

    /** The method ends; its lease is closed on its own thread. */
    void finish() {
        finish.countDown();
    }
}
