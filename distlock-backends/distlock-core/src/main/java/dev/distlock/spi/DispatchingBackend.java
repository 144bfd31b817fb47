package dev.distlock.spi;

import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * A backend whose client can send an acquire attempt or a release without blocking the caller (an
 * asynchronous client on an already open connection), so that the engine need not hand the call to
 * a store-call thread: it sends it from the calling thread and waits for the future there, under the
 * same deadline, first-connection, cancel-on-timeout and interrupt rules as for a call on a
 * store-call thread. Those rules live in the engine only; a backend adds no deadline of its own.
 *
 * <p>A method returns {@code null} when it cannot send without blocking (no connection yet, a pool to
 * borrow from, a step that waits, such as waiting for replicas): the engine then calls
 * {@link LockBackend#tryAcquire}, {@link LockBackend#release} or {@link KeyHandOver#handOver} on a
 * store-call thread, as it does for every other backend.
 *
 * <p>The future means what the blocking method returns, and fails with {@link LockBackendException}
 * where that method would throw it. It completes on the client's I/O thread: whatever completes it
 * must never block there. The engine cancels it when it stops waiting (timeout, or an interrupted
 * acquire); the call may still reach the store, and the engine gives back a grant it did not hear of.
 */
public interface DispatchingBackend {

    /** Sends {@link LockBackend#tryAcquire}'s attempt without blocking, or null when it cannot. */
    @Nullable CompletableFuture<AcquireResult> dispatchAcquire(AcquireRequest request);

    /** Sends {@link LockBackend#releaseTellingWaiters} without blocking, or null when it cannot. */
    @Nullable CompletableFuture<ReleaseOutcome> dispatchRelease(String key, String owner);

    /**
     * Sends {@link KeyHandOver#handOver} without blocking, or null when it cannot (by default: a
     * backend that hands over dispatches it only if it says so here).
     */
    default @Nullable CompletableFuture<AcquireResult> dispatchHandOver(String key, String owner, AcquireRequest next) {
        return null;
    }
}
