package dev.distlock.engine;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.distlock.spi.ReleaseOutcome;

/**
 * The in-memory store, telling a release whether anyone was subscribed to the key (as PostgreSQL's
 * waiter marks do), and counting the subscriptions open now and ever made.
 */
final class WaiterReportingBackend extends ForwardingInMemoryBackend {

    final AtomicInteger openSubscriptions = new AtomicInteger();
    final AtomicInteger subscriptionsMade = new AtomicInteger();

    @Override
    public String name() {
        return "waiter-reporting";
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
    public Subscription subscribe(String key, String owner, Runnable onChange) {
        Subscription subscription = store.subscribe(key, owner, onChange);
        openSubscriptions.incrementAndGet();
        subscriptionsMade.incrementAndGet();
        AtomicBoolean open = new AtomicBoolean(true);
        return () -> {
            if (open.compareAndSet(true, false)) {
                openSubscriptions.decrementAndGet();
                subscription.close();
            }
        };
    }
}
