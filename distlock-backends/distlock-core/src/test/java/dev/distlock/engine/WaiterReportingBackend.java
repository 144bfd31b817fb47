package dev.distlock.engine;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.distlock.inmemory.InMemoryLockBackend;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.BackendCapabilities;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.NonBlockingBackend;
import dev.distlock.spi.ReleaseNotifications;
import dev.distlock.spi.ReleaseOutcome;

/**
 * The in-memory store, telling a release whether anyone was subscribed to the key (as PostgreSQL's
 * waiter marks do), and counting the subscriptions open now and ever made.
 */
final class WaiterReportingBackend implements LockBackend, ReleaseNotifications, NonBlockingBackend {

    private final InMemoryLockBackend store = new InMemoryLockBackend();
    final AtomicInteger openSubscriptions = new AtomicInteger();
    final AtomicInteger subscriptionsMade = new AtomicInteger();

    @Override
    public String name() {
        return "waiter-reporting";
    }

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
    public ReleaseOutcome releaseTellingWaiters(String key, String owner) {
        boolean waited = openSubscriptions.get() > 0;
        if (!store.release(key, owner)) {
            return ReleaseOutcome.NOT_HELD;
        }
        return waited ? ReleaseOutcome.RELEASED_TO_WAITERS : ReleaseOutcome.RELEASED;
    }

    @Override
    public BackendHealth health() {
        return store.health();
    }

    @Override
    public Subscription subscribe(String key, String owner, Runnable onChange) {
        Subscription subscription = store.subscribe(key, owner, onChange);
        openSubscriptions.incrementAndGet();
        subscriptionsMade.incrementAndGet();
        java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);
        return () -> {
            if (open.compareAndSet(true, false)) {
                openSubscriptions.decrementAndGet();
                subscription.close();
            }
        };
    }
}
