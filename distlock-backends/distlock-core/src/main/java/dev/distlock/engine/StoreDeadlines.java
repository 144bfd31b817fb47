package dev.distlock.engine;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.distlock.spi.LockBackendException;

/**
 * How long the engine waits for a store's answer, and the waiting itself, for {@link StoreCalls}:
 * the operation timeout, or the longer first-connection timeout until the store has answered once
 * (the first calls may be opening the client's connection and loading its classes, and a cold start
 * should not fail). At the deadline the call is cancelled (interrupted) and reported as unanswered.
 */
final class StoreDeadlines {

    private final String storeName;
    private final Duration timeout;
    private final Duration firstConnectionTimeout;
    private volatile boolean answered;

    StoreDeadlines(String storeName, Duration timeout, Duration firstConnectionTimeout) {
        this.storeName = storeName;
        this.timeout = timeout;
        this.firstConnectionTimeout = firstConnectionTimeout;
    }

    Duration timeout() {
        return timeout;
    }

    /** The operation timeout, or the first-connection deadline while the store has never answered. */
    Duration deadline() {
        return answered || timeout.compareTo(firstConnectionTimeout) >= 0 ? timeout : firstConnectionTimeout;
    }

    /** The store answered a call (or its health check): from now on calls get the operation timeout. */
    void answered() {
        if (!answered) {
            answered = true;
        }
    }

    /** The answer within {@code limit}; on timeout or an interrupt of the caller the call is cancelled. */
    <T> T awaitInterruptibly(Future<T> answer, String operation, String key, Duration limit) throws InterruptedException {
        try {
            T value = answer.get(limit.toNanos(), TimeUnit.NANOSECONDS);
            answered(); // a dispatched call has no store-call thread to note it
            return value;
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw notAnswered(operation, key, limit);
        } catch (ExecutionException e) {
            throw asRuntime(e.getCause());
        } catch (InterruptedException e) {
            answer.cancel(true);
            throw e;
        }
    }

    /**
     * The answer within {@code limit}, waiting through interrupts (restored afterwards): a release
     * must reach the store even from a thread that was interrupted for losing its lease. On timeout
     * the call is cancelled.
     */
    <T> T awaitThroughInterrupts(Future<T> answer, String operation, String key, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    T value = answer.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    answered();
                    return value;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (TimeoutException e) {
                    answer.cancel(true);
                    throw notAnswered(operation, key, limit);
                } catch (ExecutionException e) {
                    throw asRuntime(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    LockBackendException notAnswered(String operation, String key, Duration deadline) {
        return new LockBackendException("The " + storeName + " store did not answer " + operation + " of lock '"
                + key + "' within " + deadline + (answered || deadline.equals(timeout)
                        ? " (the operation timeout, distlock.operation-timeout)"
                        : " (the first-connection timeout: it has not answered since distlock started)"));
    }

    static RuntimeException asRuntime(Throwable cause) {
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new LockBackendException("Store call failed: " + cause, cause);
    }
}
