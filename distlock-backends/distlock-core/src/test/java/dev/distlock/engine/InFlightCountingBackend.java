package dev.distlock.engine;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import dev.distlock.inmemory.InMemoryLockBackend;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.BackendCapabilities;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.NonBlockingBackend;
import dev.distlock.spi.ReleaseNotifications;

/**
 * The in-memory store, recording how many {@code tryAcquire} calls are in flight at once. The first
 * call is held until a second one joins it or {@link #othersSettled} says no other will come (the
 * other threads wait elsewhere), so that calls that can overlap do.
 */
final class InFlightCountingBackend implements LockBackend, ReleaseNotifications, NonBlockingBackend {

    private final InMemoryLockBackend store = new InMemoryLockBackend();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean firstCall = new AtomicBoolean(true);
    final AtomicInteger maxInFlight = new AtomicInteger();
    final AtomicInteger acquireCalls = new AtomicInteger();
    volatile BooleanSupplier othersSettled = () -> true;

    @Override
    public String name() {
        return "in-flight-counting";
    }

    @Override
    public BackendCapabilities capabilities() {
        return store.capabilities();
    }

    @Override
    public AcquireResult tryAcquire(AcquireRequest request) {
        acquireCalls.incrementAndGet();
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            if (firstCall.getAndSet(false)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> maxInFlight.get() > 1 || othersSettled.getAsBoolean());
            }
            return store.tryAcquire(request);
        } finally {
            inFlight.decrementAndGet();
        }
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
