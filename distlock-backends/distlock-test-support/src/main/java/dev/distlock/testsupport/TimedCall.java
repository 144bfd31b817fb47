package dev.distlock.testsupport;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How long one call took to return or throw, for liveness contracts such as "with the store down,
 * tryAcquire fails within 2 s". The call runs on a daemon thread of its own, so that a call that
 * hangs fails the test after {@code giveUpAfter} with what it was doing, instead of hanging the build.
 *
 * @param took     time until the call returned or threw; {@code giveUpAfter} when it did neither
 * @param finished false when the call was still running after {@code giveUpAfter}
 * @param result   what it returned, else null
 * @param thrown   what it threw, else null
 */
public record TimedCall(String what, Duration took, boolean finished, Object result, Throwable thrown) {

    /** Runs {@code call}, waiting at most {@code giveUpAfter} for it. */
    public static TimedCall of(String what, Duration giveUpAfter, Callable<?> call) {
        CompletableFuture<Object> future = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                future.complete(call.call());
            } catch (Throwable e) {
                future.completeExceptionally(e);
            }
        }, "timed-call");
        thread.setDaemon(true);
        long started = System.nanoTime();
        thread.start();
        try {
            Object result = future.get(giveUpAfter.toNanos(), TimeUnit.NANOSECONDS);
            return new TimedCall(what, since(started), true, result, null);
        } catch (ExecutionException e) {
            return new TimedCall(what, since(started), true, null, e.getCause());
        } catch (TimeoutException e) {
            thread.interrupt();
            return new TimedCall(what, giveUpAfter, false, null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while timing " + what, e);
        }
    }

    /** Like {@link #of(String, Duration, Callable)} for a call that returns nothing. */
    public static TimedCall ofRunnable(String what, Duration giveUpAfter, Runnable call) {
        return of(what, giveUpAfter, () -> {
            call.run();
            return null;
        });
    }

    /** True when the call returned or threw within {@code bound}. */
    public boolean finishedWithin(Duration bound) {
        return finished && took.compareTo(bound) < 0;
    }

    @Override
    public String toString() {
        if (!finished) {
            return what + ": still blocked after " + took.toMillis() + " ms";
        }
        return what + ": " + (thrown != null ? "threw " + thrown : "returned " + result) + " after " + took.toMillis() + " ms";
    }

    private static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}
