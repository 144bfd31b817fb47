package dev.distlock.etcd;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.ReleaseNotifications;

/**
 * What the engine does to wait, in small: subscribe, try, and on a denial wait for the watch (or a
 * bounded poll as the safety net), until granted or out of time. Store errors are retried.
 */
final class BlockingAcquirer {

    private BlockingAcquirer() {
    }

    static OptionalLong acquire(EtcdLockBackend backend, AcquireRequest request, Duration waitFor) {
        long deadline = System.nanoTime() + waitFor.toNanos();
        Semaphore changed = new Semaphore(0);
        try (ReleaseNotifications.Subscription ignored = backend.subscribe(request.key(), request.owner(), changed::release)) {
            while (true) {
                try {
                    if (backend.tryAcquire(request) instanceof AcquireResult.Granted granted) {
                        return OptionalLong.of(granted.fencingToken());
                    }
                } catch (LockBackendException e) {
                    // The store could not answer (an election, say): try again.
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    withdrawQuietly(backend, request);
                    return OptionalLong.empty();
                }
                changed.tryAcquire(Math.min(TimeUnit.NANOSECONDS.toMillis(left), 1000), TimeUnit.MILLISECONDS);
                changed.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            withdrawQuietly(backend, request);
            return OptionalLong.empty();
        }
    }

    /** Releases, retrying while the store cannot answer; the answer of the last attempt. */
    static boolean release(EtcdLockBackend backend, String key, String owner) {
        for (int attempt = 1; ; attempt++) {
            try {
                return backend.release(key, owner);
            } catch (LockBackendException e) {
                if (attempt == 10) {
                    throw e;
                }
            }
        }
    }

    private static void withdrawQuietly(EtcdLockBackend backend, AcquireRequest request) {
        try {
            backend.withdraw(request.key(), request.owner());
        } catch (LockBackendException e) {
            // Its lease is no longer kept alive: the node goes by itself.
        }
    }
}
