package dev.distlock.engine;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.distlock.inmemory.InMemoryLockBackend;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.BackendCapabilities;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.LeaseLossSignals;
import dev.distlock.spi.LockBackend;

/**
 * An in-memory store whose renewals a test can make refuse or fail, counting every call. It does
 * not notify waiters, so the engine must poll, and it can report lease loss like etcd or ZooKeeper.
 */
class ScriptedBackend implements LockBackend, LeaseLossSignals {

    enum Renewal { NORMAL, REFUSE, FAIL }

    final InMemoryLockBackend store = new InMemoryLockBackend();
    final AtomicInteger acquireCalls = new AtomicInteger();
    final AtomicInteger renewCalls = new AtomicInteger();
    final AtomicInteger releaseCalls = new AtomicInteger();
    volatile Renewal renewal = Renewal.NORMAL;
    volatile boolean fair = true;
    volatile LeaseLossListener listener;

    @Override
    public String name() {
        return "scripted";
    }

    @Override
    public BackendCapabilities capabilities() {
        return new BackendCapabilities(fair, BackendCapabilities.FencingStrength.LOCAL);
    }

    @Override
    public AcquireResult tryAcquire(AcquireRequest request) {
        acquireCalls.incrementAndGet();
        return store.tryAcquire(request);
    }

    @Override
    public boolean renew(String key, String owner, Duration ttl) {
        renewCalls.incrementAndGet();
        return switch (renewal) {
            case NORMAL -> store.renew(key, owner, ttl);
            case REFUSE -> false;
            case FAIL -> throw new dev.distlock.spi.LockBackendException("store unreachable (scripted)");
        };
    }

    @Override
    public boolean release(String key, String owner) {
        releaseCalls.incrementAndGet();
        return store.release(key, owner);
    }

    @Override
    public BackendHealth health() {
        return store.health();
    }

    @Override
    public void setLeaseLossListener(LeaseLossListener listener) {
        this.listener = listener;
    }
}
