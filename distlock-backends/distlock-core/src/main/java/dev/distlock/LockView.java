package dev.distlock;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * One distributed lock seen as a {@link Lock}, for code written against {@code java.util.concurrent}.
 * Each {@code lock} takes a lease through {@link DistributedLocks} and binds it to {@link LockContext},
 * so that the fencing token is at hand; each {@code unlock} closes the thread's latest one.
 */
final class LockView implements Lock {

    /** How long one wait of {@link #lock()} lasts before it waits again: only bounds a single engine call. */
    private static final Duration UNBOUNDED_WAIT_STEP = Duration.ofMinutes(1);

    private final DistributedLocks locks;
    private final String key;
    private final LockOptions options;
    private final Map<Thread, Deque<Held>> heldByThread = new ConcurrentHashMap<>();

    LockView(DistributedLocks locks, String key, LockOptions options) {
        this.locks = locks;
        this.key = key;
        this.options = options;
    }

    @Override
    public void lock() {
        boolean interrupted = false;
        while (true) {
            try {
                if (acquire(UNBOUNDED_WAIT_STEP)) {
                    break;
                }
            } catch (InterruptedException e) {
                // lock() is not interruptible: keep waiting and hand the interrupt back when held.
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        while (!acquire(UNBOUNDED_WAIT_STEP)) {
            // waited a whole step without a grant: wait again
        }
    }

    @Override
    public boolean tryLock() {
        try {
            return acquire(Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return acquire(Duration.ofNanos(Math.max(0, unit.toNanos(time))));
    }

    @Override
    public void unlock() {
        Thread thread = Thread.currentThread();
        Deque<Held> held = heldByThread.get(thread);
        if (held == null || held.isEmpty()) {
            throw new IllegalMonitorStateException(
                    "Lock '" + locks.fullKey(key) + "' is not held by thread " + thread.getName());
        }
        Held latest = held.removeLast();
        if (held.isEmpty()) {
            heldByThread.remove(thread);
        }
        latest.release();
    }

    /** Unsupported: a distributed lock has no shared monitor to wait on. */
    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException(
                "A distributed lock has no conditions: lock '" + locks.fullKey(key) + "' is held across processes");
    }

    private boolean acquire(Duration waitFor) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("Interrupted before waiting for lock '" + locks.fullKey(key) + "'");
        }
        Optional<Lease> lease;
        try {
            lease = locks.tryAcquire(key, options.withWaitFor(waitFor));
        } catch (LockNotAcquiredException e) {
            if (e.getCause() instanceof InterruptedException interrupted) {
                Thread.interrupted();
                throw interrupted;
            }
            throw e;
        }
        if (lease.isEmpty()) {
            return false;
        }
        heldByThread.computeIfAbsent(Thread.currentThread(), thread -> new ArrayDeque<>())
                .addLast(new Held(lease.get(), LockContext.bind(lease.get())));
        return true;
    }

    private record Held(Lease lease, LockContext.Scope scope) {
        void release() {
            try (lease) {
                scope.close();
            }
        }
    }
}
