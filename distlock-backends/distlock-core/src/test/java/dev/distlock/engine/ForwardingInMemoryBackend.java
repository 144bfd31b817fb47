package dev.distlock.engine;

import java.time.Duration;

import dev.distlock.inmemory.InMemoryLockBackend;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.BackendCapabilities;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.NonBlockingBackend;
import dev.distlock.spi.ReleaseNotifications;

/**
 * The in-memory store behind every method of the SPI, for a test backend that changes one or two
 * of them and names itself. The SPI's default methods ({@code renewWithValidity}, {@code renewAll})
 * are left to go through this class's {@link #renew}, so that an override of it sees them too.
 */
abstract class ForwardingInMemoryBackend implements LockBackend, ReleaseNotifications, NonBlockingBackend {

    /** The store itself, for a subclass's own calls that are not to be counted or changed. */
    protected final InMemoryLockBackend store = new InMemoryLockBackend();

    @Override
    public BackendCapabilities capabilities() {
        return store.capabilities();
    }

    @Override
    public AcquireResult tryAcquire(AcquireRequest request) {
        return store.tryAcquire(request);
    }

    @Override
    public boolean renew(String key, String owner, Duration ttl) {
        return store.renew(key, owner, ttl);
    }

    @Override
    public boolean release(String key, String owner) {
        return store.release(key, owner);
    }

    @Override
    public void withdraw(String key, String owner) {
        store.withdraw(key, owner);
    }

    @Override
    public BackendHealth health() {
        return store.health();
    }

    @Override
    public Subscription subscribe(String key, String owner, Runnable onChange) {
        return store.subscribe(key, owner, onChange);
    }
}
