package dev.distlock.autoconfigure;

import org.springframework.context.SmartLifecycle;

import dev.distlock.engine.LockEngine;

/**
 * Shuts the {@link LockEngine} down in a late lifecycle phase: after the task scheduler
 * ({@link SmartLifecycle#DEFAULT_PHASE}) and the web server's graceful shutdown have stopped
 * starting new work, and before beans (the backend's connections among them) are destroyed. The
 * engine then refuses new acquisitions and waits, up to {@code distlock.shutdown-timeout}, for the
 * methods still running under a lock to end and release it.
 */
final class LockEngineLifecycle implements SmartLifecycle {

    /** Below the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}) and the scheduler's phase. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

    private final LockEngine engine;
    private volatile boolean running;

    LockEngineLifecycle(LockEngine engine) {
        this.engine = engine;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        engine.close();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
