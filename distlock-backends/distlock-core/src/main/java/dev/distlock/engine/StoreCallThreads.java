package dev.distlock.engine;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.distlock.spi.support.DaemonThreads;

/**
 * The threads that talk to stores, for every engine in the JVM. Threads are made on demand and end
 * when idle: a store call that hangs past its deadline keeps only its own thread, never another
 * lock's renewal. The bound only stops a runaway; reaching it fails calls rather than queueing them.
 */
final class StoreCallThreads {

    static final int MAX_THREADS = 256;

    private static final ThreadPoolExecutor INSTANCE = create();

    private StoreCallThreads() {
    }

    static ThreadPoolExecutor get() {
        return INSTANCE;
    }

    private static ThreadPoolExecutor create() {
        ThreadFactory threads = DaemonThreads.numbered("distlock-store");
        return new ThreadPoolExecutor(0, MAX_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), threads);
    }
}
