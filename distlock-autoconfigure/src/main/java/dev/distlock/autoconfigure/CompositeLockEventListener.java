package dev.distlock.autoconfigure;

import java.time.Duration;
import java.util.List;

import dev.distlock.engine.LockEventListener;

/** Passes every engine event to each {@link LockEventListener} bean, in order. */
final class CompositeLockEventListener implements LockEventListener {

    private final List<LockEventListener> listeners;

    CompositeLockEventListener(List<LockEventListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    static LockEventListener of(List<LockEventListener> listeners) {
        return switch (listeners.size()) {
            case 0 -> LockEventListener.NONE;
            case 1 -> listeners.get(0);
            default -> new CompositeLockEventListener(listeners);
        };
    }

    @Override
    public void acquired(String name, String key, long fencingToken, Duration waited) {
        listeners.forEach(listener -> listener.acquired(name, key, fencingToken, waited));
    }

    @Override
    public void notAcquired(String name, String key, Duration waited) {
        listeners.forEach(listener -> listener.notAcquired(name, key, waited));
    }

    @Override
    public void acquireFailed(String name, String key, Duration waited, RuntimeException error) {
        listeners.forEach(listener -> listener.acquireFailed(name, key, waited, error));
    }

    @Override
    public void released(String name, String key, Duration held) {
        listeners.forEach(listener -> listener.released(name, key, held));
    }

    @Override
    public void renewed(String name, String key, boolean extended) {
        listeners.forEach(listener -> listener.renewed(name, key, extended));
    }

    @Override
    public void lost(String name, String key, String reason) {
        listeners.forEach(listener -> listener.lost(name, key, reason));
    }

    @Override
    public void atRisk(String reason) {
        listeners.forEach(listener -> listener.atRisk(reason));
    }
}
