package dev.distlock.engine;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;

import dev.distlock.spi.support.DaemonThreads;

/**
 * The one scheduler of every engine in the JVM: each engine's renewal sweep (one task, however many
 * locks it holds), store-call deadlines and delayed releases. A few daemon threads; nothing here
 * waits on a store, which only the store-call threads do.
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
