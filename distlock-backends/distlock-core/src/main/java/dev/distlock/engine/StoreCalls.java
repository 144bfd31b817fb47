package dev.distlock.engine;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.DispatchingBackend;
import dev.distlock.spi.KeyHandOver;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.NonBlockingBackend;
import dev.distlock.spi.ReleaseOutcome;

/**
 * Every call the engine makes to a store, each with a deadline of distlock's own (the operation
 * timeout) whatever the store client's own timeouts are. A call runs on a store-call thread and the
 * engine stops waiting at the deadline: the call is then cancelled (interrupted) and reported as
 * unanswered, which callers treat like any other store failure. Until the store has answered once
 * (a call, or the health check sent when the engine starts), calls may be opening the client's
 * connection and get the longer first-connection timeout, so that a cold start does not fail.
 *
 * <p>A {@link DispatchingBackend} sends acquire attempts and releases from the calling thread
 * without blocking it, when it can: the caller then waits for that future instead of a store-call
 * thread's, by the same rules (one place for them: {@link StoreDeadlines}).
 * The hand-over to a store-call thread costs tens of microseconds, a good part of an uncontended lock.
 */
final class StoreCalls {

    private static final Logger log = LoggerFactory.getLogger(StoreCalls.class);

    private final LockBackend backend;
    private final StoreDeadlines deadlines;
    private final Executor threads;
    private final ScheduledExecutorService timer;
    private final boolean inline;
    private final @Nullable DispatchingBackend dispatching;

    StoreCalls(LockBackend backend, Duration timeout, Duration firstConnectionTimeout, Executor threads,
               ScheduledExecutorService timer) {
        this.backend = backend;
        this.deadlines = new StoreDeadlines(backend.name(), timeout, firstConnectionTimeout);
        this.threads = threads;
        this.timer = timer;
        this.inline = backend instanceof NonBlockingBackend;
        this.dispatching = !inline && backend instanceof DispatchingBackend dispatcher ? dispatcher : null;
    }

    Duration timeout() {
        return deadlines.timeout();
    }

    /**
     * {@link #callInterruptibly} of one acquire attempt: inline on a non-blocking backend, sent from
     * this thread by a dispatching one that can, else on a store-call thread.
     */
    AcquireResult tryAcquire(AcquireRequest request) throws InterruptedException {
        if (inline) {
            return backend.tryAcquire(request);
        }
        Duration deadline = deadlines.deadline();
        Future<AcquireResult> sent = dispatching == null ? null : dispatching.dispatchAcquire(request);
        return deadlines.awaitInterruptibly(sent != null ? sent : start("acquire", request.key(), () -> backend.tryAcquire(request)),
                "acquire", request.key(), deadline);
    }

    /** {@link #call} of one release, placed as {@link #tryAcquire} places an attempt. */
    ReleaseOutcome release(String key, String owner) {
        if (inline) {
            return backend.releaseTellingWaiters(key, owner);
        }
        Duration deadline = deadlines.deadline();
        Future<ReleaseOutcome> sent = dispatching == null ? null : dispatching.dispatchRelease(key, owner);
        return deadlines.awaitThroughInterrupts(sent != null ? sent : start("release", key, () -> backend.releaseTellingWaiters(key, owner)),
                "release", key, deadline);
    }

    /** {@link #call} of one hand-over (it releases a grant, so it waits through interrupts), placed as {@link #release}. */
    AcquireResult handOver(KeyHandOver handing, String key, String owner, AcquireRequest next) {
        if (inline) {
            return handing.handOver(key, owner, next);
        }
        Duration deadline = deadlines.deadline();
        Future<AcquireResult> sent = dispatching == null ? null : dispatching.dispatchHandOver(key, owner, next);
        return deadlines.awaitThroughInterrupts(sent != null ? sent : start("hand over", key, () -> handing.handOver(key, owner, next)),
                "hand over", key, deadline);
    }

    /**
     * {@link #handOver} sent without waiting for it, where the backend can send it from this thread
     * ({@link DispatchingBackend#dispatchHandOver}): the answer completes on the client's I/O thread, or
     * fails as unanswered at the deadline (the call is then cancelled). The releasing holder need not
     * wait for the answer that is its successor's: the successor is told it straight from the I/O thread,
     * one thread wake-up instead of two per hand-off.
     *
     * @return the answer to come, or null when the hand-over must be made with {@link #handOver}
     */
    @Nullable CompletableFuture<AcquireResult> sendHandOver(String key, String owner, AcquireRequest next) {
        if (dispatching == null) {
            return null;
        }
        Duration deadline = deadlines.deadline();
        CompletableFuture<AcquireResult> sent = dispatching.dispatchHandOver(key, owner, next);
        if (sent == null) {
            return null;
        }
        CompletableFuture<AcquireResult> answer = new CompletableFuture<>();
        try {
            failAtDeadline(answer, "hand over", key, deadline, () -> sent.cancel(true));
        } catch (RejectedExecutionException e) { // the engine is closing
            sent.cancel(true);
            throw new LockBackendException("No timer for the hand-over of lock '" + key + "': distlock is shutting down", e);
        }
        sent.whenComplete((result, error) -> {
            if (error == null) {
                deadlines.answered();
                answer.complete(result);
            } else {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                answer.completeExceptionally(StoreDeadlines.asRuntime(cause));
            }
        });
        return answer;
    }

    /** Waits for the answer up to the operation timeout; an interrupt of the caller cancels the call. */
    <T> T callInterruptibly(String operation, String key, Supplier<T> call) throws InterruptedException {
        if (inline) {
            return call.get();
        }
        Duration deadline = deadlines.deadline();
        return deadlines.awaitInterruptibly(start(operation, key, call), operation, key, deadline);
    }

    /**
     * Waits for the answer up to the operation timeout, through interrupts (restored afterwards):
     * a release must reach the store even from a thread that was interrupted for losing its lease.
     */
    <T> T call(String operation, String key, Supplier<T> call) {
        if (inline) {
            return call.get();
        }
        Duration deadline = deadlines.deadline();
        return deadlines.awaitThroughInterrupts(start(operation, key, call), operation, key, deadline);
    }

    /** Runs the call without waiting for it; the future fails with {@link LockBackendException} at {@code deadline}. */
    <T> CompletableFuture<T> submit(String operation, String key, Duration deadline, Supplier<T> call) {
        return submit(operation, key, deadline, call, new CompletableFuture<>());
    }

    /**
     * Like {@link #submit(String, String, Duration, Supplier)}, also completing {@code settled} when
     * the call has really ended on its thread: a call the engine stopped waiting for may still reach
     * the store later, and what must not be overtaken by it waits for this.
     */
    <T> CompletableFuture<T> submit(String operation, String key, Duration deadline, Supplier<T> call,
                                    CompletableFuture<Void> settled) {
        AtomicBoolean started = new AtomicBoolean();
        Supplier<T> settling = () -> {
            started.set(true);
            try {
                return call.get();
            } finally {
                settled.complete(null);
            }
        };
        CompletableFuture<T> answer = new CompletableFuture<>();
        if (inline) {
            try {
                answer.complete(settling.get());
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
            return answer;
        }
        FutureTask<T> task;
        try {
            task = start(operation, key, completing(answer, settling));
        } catch (LockBackendException e) {
            settled.complete(null);
            answer.completeExceptionally(e);
            return answer;
        }
        failAtDeadline(answer, operation, key, deadline, () -> {
            task.cancel(true);
            if (!started.get()) {
                settled.complete(null); // cancelled before it ran: it never will
            }
        });
        return answer;
    }

    /**
     * Fails {@code answer} as unanswered at {@code deadline} unless it completed first, and then runs
     * {@code stopCall}; the timer task goes when the answer comes.
     */
    private void failAtDeadline(CompletableFuture<?> answer, String operation, String key, Duration deadline,
            Runnable stopCall) {
        ScheduledFuture<?> expiry = timer.schedule(() -> {
            if (answer.completeExceptionally(deadlines.notAnswered(operation, key, deadline))) {
                stopCall.run();
            }
        }, deadline.toNanos(), TimeUnit.NANOSECONDS);
        answer.whenComplete((value, error) -> expiry.cancel(false));
    }

    /**
     * Asks the store for its health once, in the background, so that the client connects (and loads
     * its classes) while the application starts rather than within the first lock's deadline.
     * {@code health()} bounds itself and never throws; nothing waits for it.
     */
    void warmUp() {
        if (!inline) {
            try {
                threads.execute(() -> {
                    if (backend.health().up()) {
                        deadlines.answered();
                    }
                });
            } catch (RejectedExecutionException e) {
                log.debug("No thread to warm up the {} store's connection", backend.name());
            }
        }
    }

    /**
     * Leaves no trace, in the background, of a request whose answer never came (lost, or after the
     * deadline): the store may have granted it all the same, so the grant is released and the request
     * withdrawn from a fair queue. Owner ids are unique per acquisition, so this frees nobody else's lock.
     * The one clean-up for an acquire attempt and a hand-over to a successor that went unanswered.
     */
    void releaseUnanswered(AcquireRequest request) {
        runInBackground("release an unanswered grant of", request.key(), () -> {
            backend.release(request.key(), request.owner());
            backend.withdraw(request.key(), request.owner());
        });
    }

    /** Fire and forget, for clean-ups nobody waits for; a failure is only logged. */
    void runInBackground(String operation, String key, Runnable call) {
        submit(operation, key, deadlines.timeout(), () -> {
            call.run();
            return null;
        }).whenComplete((ignored, error) -> {
            if (error != null) {
                log.debug("{} of lock '{}' in the background failed: {}", operation, key, error.toString());
            }
        });
    }

    /**
     * Opens something the store keeps (a subscription), waiting up to the operation timeout. One that
     * opens only after the engine stopped waiting is closed at once, so that it does not leak.
     */
    <T extends AutoCloseable> T open(String operation, String key, Supplier<T> call) throws InterruptedException {
        if (inline) {
            return call.get();
        }
        CompletableFuture<T> opened = new CompletableFuture<>();
        start(operation, key, completing(opened, call));
        Duration deadline = deadlines.deadline();
        try {
            return opened.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            opened.thenAccept(StoreCalls::closeQuietly);
            throw deadlines.notAnswered(operation, key, deadline);
        } catch (ExecutionException e) {
            throw StoreDeadlines.asRuntime(e.getCause());
        }
    }

    /** {@code call}, also completing {@code answer} with its outcome. */
    private static <T> Supplier<T> completing(CompletableFuture<T> answer, Supplier<T> call) {
        return () -> {
            try {
                T value = call.get();
                answer.complete(value);
                return value;
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
                throw e;
            }
        };
    }

    private <T> FutureTask<T> start(String operation, String key, Supplier<T> call) {
        FutureTask<T> task = new FutureTask<>(() -> {
            T value = call.get();
            deadlines.answered();
            return value;
        });
        try {
            threads.execute(task);
        } catch (RejectedExecutionException e) {
            throw new LockBackendException("Could not ask the " + backend.name() + " store to " + operation + " lock '"
                    + key + "': " + StoreCallThreads.MAX_THREADS + " store calls are already waiting for it", e);
        }
        return task;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.debug("Closing a late {} failed: {}", closeable, e.toString());
        }
    }
}
