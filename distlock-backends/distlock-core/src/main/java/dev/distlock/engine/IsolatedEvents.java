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
        try {
            delegate.acquired(name, key, fencingToken, waited);
        } catch (RuntimeException e) {
            failed("acquired", key, e);
        }
    }

    @Override
    public void notAcquired(String name, String key, Duration waited) {
        try {
            delegate.notAcquired(name, key, waited);
        } catch (RuntimeException e) {
            failed("notAcquired", key, e);
        }
    }

    @Override
    public void acquireFailed(String name, String key, Duration waited, RuntimeException error) {
        try {
            delegate.acquireFailed(name, key, waited, error);
        } catch (RuntimeException e) {
            failed("acquireFailed", key, e);
        }
    }

    @Override
    public void released(String name, String key, Duration held) {
        try {
            delegate.released(name, key, held);
        } catch (RuntimeException e) {
            failed("released", key, e);
        }
    }

    @Override
    public void renewed(String name, String key, boolean extended) {
        try {
            delegate.renewed(name, key, extended);
        } catch (RuntimeException e) {
            failed("renewed", key, e);
        }
    }

    @Override
    public void lost(String name, String key, String reason) {
        try {
            delegate.lost(name, key, reason);
        } catch (RuntimeException e) {
            failed("lost", key, e);
        }
    }

    @Override
    public void atRisk(String reason) {
        try {
            delegate.atRisk(reason);
        } catch (RuntimeException e) {
            failed("atRisk", "(all)", e);
        }
    }

    // Each event catches on its own rather than through a shared Runnable: no lambda per event and lock.
    private void failed(String event, String key, RuntimeException e) {
        log.warn("LockEventListener {} failed on '{}' of lock '{}'; the lock is not affected", delegate, event, key, e);
    }
}
