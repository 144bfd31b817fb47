package dev.distlock.benchmarks.jdbc;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.distlock.benchmarks.support.LockClient;

/**
 * {@code floor-bounded}: the floor's statements, each call bounded by a deadline of the caller's
 * (distlock's default operation timeout, 1 s), as distlock bounds every store call. JDBC has no call
 * that returns before the database answers, and neither a pool's borrow (which may validate the
 * connection over the network) nor a socket read of a blackholed link can be stopped from another
 * thread in time, so a client that must give up at its deadline runs each call on a thread of its
 * own and waits for it there, as here on a cached pool. The plain {@code floor} gives no such bound:
 * a call to an unreachable database waits as long as the pool and the driver let it.
 */
final class BoundedFloor implements LockClient {

    private static final Duration DEADLINE = Duration.ofSeconds(1);

    private final LockClient floor;
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "bounded-floor");
        thread.setDaemon(true);
        return thread;
    });

    BoundedFloor(LockClient floor) {
        this.floor = floor;
    }

    @Override
    public Held acquire(String key) {
        Held held = within(() -> floor.acquire(key));
        return () -> within(() -> {
            held.release();
            return null;
        });
    }

    private <T> T within(Callable<T> call) {
        Future<T> answer = threads.submit(call);
        try {
            return answer.get(DEADLINE.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new IllegalStateException("No answer within " + DEADLINE, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        threads.shutdownNow();
        floor.close();
    }
}
