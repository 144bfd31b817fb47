package dev.distlock.engine;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;

import dev.distlock.spi.support.DaemonThreads;

/**
 * The one scheduler for renewals, expiry checks and delayed releases of every engine in the JVM:
 * a few daemon threads, however many locks are held.
 */
final class SharedScheduler {

    private static final ScheduledExecutorService INSTANCE = create();

    private SharedScheduler() {
    }

    static ScheduledExecutorService get() {
        return INSTANCE;
    }

    private static ScheduledExecutorService create() {
        ThreadFactory threads = DaemonThreads.numbered("distlock-watchdog");
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(2, threads);
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}
