package dev.distlock.benchmarks.support;

import java.util.concurrent.locks.Lock;
import java.util.function.Function;

/**
 * One way to take a lock, as the benchmarks compare them: distlock, a peer library, or the raw client
 * doing the fewest round trips (the floor). Every implementation is one small class or lambda, so that
 * what a row of the tables measures can be read in a few lines.
 */
public interface LockClient extends AutoCloseable {

    /**
     * Acquires {@code key} and returns the handle that releases it. A blocking client waits while the
     * key is held elsewhere; a try-once client (ShedLock, the floors) throws {@link NotGranted} instead.
     */
    Held acquire(String key);

    /** One acquire + release of {@code key}: the unit of work of every workload. */
    default void lockAndUnlock(String key) {
        acquire(key).release();
    }

    @Override
    void close() throws Exception;

    /** A peer that hands out a {@link Lock} per key (Redisson, Spring Integration's registries): lock() blocks. */
    static LockClient ofLocks(Function<String, Lock> obtain, AutoCloseable close) {
        return new LockClient() {
            @Override
            public Held acquire(String key) {
                Lock lock = obtain.apply(key);
                lock.lock();
                return lock::unlock;
            }

            @Override
            public void close() throws Exception {
                close.close();
            }
        };
    }

    /** A held lock. */
    @FunctionalInterface
    interface Held {
        void release();
    }

    /** A try-once client found the key held: in an uncontended workload that is a benchmark error. */
    final class NotGranted extends RuntimeException {

        public NotGranted(String key) {
            super("Lock '" + key + "' was not granted", null, false, false);
        }
    }
}
