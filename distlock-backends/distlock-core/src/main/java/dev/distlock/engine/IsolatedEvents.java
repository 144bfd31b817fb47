package dev.distlock.engine;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a {@link LockEventListener} so that nothing it throws reaches the engine: a failing metrics
 * or tracing hook is logged and the lock goes on as if it had not been called.
 */
final class IsolatedEvents implements LockEventListener {

    private static final Logger log = LoggerFactory.getLogger(IsolatedEvents.class);

    private final LockEventListener delegate;

    private IsolatedEvents(LockEventListener delegate) {
        this.delegate = delegate;
    }

    static LockEventListener of(LockEventListener listener) {
        return listener == NONE || listener instanceof IsolatedEvents ? listener : new IsolatedEvents(listener);
    }

    @Override
    public void acquired(String name, String key, long fencingToken, Duration waited) {
        run("acquired", key, () -> delegate.acquired(name, key, fencingToken, waited));
    }

    @Override
    public void notAcquired(String name, String key, Duration waited) {
        run("notAcquired", key, () -> delegate.notAcquired(name, key, waited));
    }

    @Override
    public void acquireFailed(String name, String key, Duration waited, RuntimeException error) {
        run("acquireFailed", key, () -> delegate.acquireFailed(name, key, waited, error));
    }

    @Override
    public void released(String name, String key, Duration held) {
        run("released", key, () -> delegate.released(name, key, held));
    }

    @Override
    public void renewed(String name, String key, boolean extended) {
        run("renewed", key, () -> delegate.renewed(name, key, extended));
    }

    @Override
    public void lost(String name, String key, String reason) {
        run("lost", key, () -> delegate.lost(name, key, reason));
    }

    @Override
    public void atRisk(String reason) {
        run("atRisk", "(all)", () -> delegate.atRisk(reason));
    }

    private void run(String event, String key, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("LockEventListener {} failed on '{}' of lock '{}'; the lock is not affected", delegate, event, key, e);
        }
    }
}
