package dev.distlock.benchmarks.support;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import dev.distlock.spi.support.DaemonThreads;

/**
 * For clients that wait: the hand-off latency. Before each measured call this thread holds the key
 * and another thread waits for it through a second, independent client (its own connections, as a
 * second process would have: a library that queues waiters of one process in memory must not skip
 * the store here); the time measured runs from the start of the release call to the
 * waiter holding the lock, so it covers the release round trip, the waiter noticing it (notification
 * or poll) and the waiter's own acquisition.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
public abstract class HandoffWorkload extends ClientState {

    /** How long the waiter gets to reach its wait (denied once, subscribed or sleeping) before the release. */
    private static final long WAITER_SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long STUCK_SECONDS = 30;

    private final ExecutorService waiterThread = Executors.newSingleThreadExecutor(DaemonThreads.named("bench-waiter"));
    private LockClient.Held held;
    private CountDownLatch waiterHolds;
    private CountDownLatch waiterDone;

    @Override
    protected boolean needsOtherClient() {
        return true;
    }

    @Benchmark
    public void handoff() throws InterruptedException {
        held.release();
        await(waiterHolds, "the waiter to hold the lock");
    }

    /** Before each hand-off: hold the key, start a waiter on it and give it time to wait. */
    @Setup(Level.Invocation)
    public void holdWithWaiter() {
        held = client.acquire(Keys.ONE);
        CountDownLatch holds = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        waiterHolds = holds;
        waiterDone = done;
        waiterThread.execute(() -> {
            try {
                LockClient.Held mine = otherClient.acquire(Keys.ONE);
                holds.countDown();
                mine.release();
            } finally {
                done.countDown();
            }
        });
        LockSupport.parkNanos(WAITER_SETTLE_NANOS);
    }

    /** After each hand-off: the waiter has released, so that the next invocation finds the key free. */
    @TearDown(Level.Invocation)
    public void waitForWaiter() throws InterruptedException {
        await(waiterDone, "the waiter to release the lock");
    }

    @TearDown(Level.Trial)
    public void stopWaiterThread() {
        waiterThread.shutdownNow();
    }

    private static void await(CountDownLatch latch, String what) throws InterruptedException {
        if (!latch.await(STUCK_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Waited " + STUCK_SECONDS + " s for " + what);
        }
    }
}
