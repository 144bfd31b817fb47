package dev.distlock.spi.support;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread factories for the threads of distlock and its backends: daemon threads, so that they
 * never keep a JVM alive, with names that say whose they are.
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** Every thread is called {@code name}: for pools of one, or of threads that do one job alike. */
    public static ThreadFactory named(String name) {
        return runnable -> daemon(runnable, name);
    }

    /** Threads called {@code <prefix>-1}, {@code <prefix>-2}, ... */
    public static ThreadFactory numbered(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> daemon(runnable, prefix + "-" + count.incrementAndGet());
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
