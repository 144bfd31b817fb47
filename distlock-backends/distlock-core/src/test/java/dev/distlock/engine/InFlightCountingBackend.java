package dev.distlock.engine;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;

/**
 * The in-memory store, recording how many {@code tryAcquire} calls are in flight at once. The first
 * call is held until a second one joins it or {@link #othersSettled} says no other will come (the
 * other threads wait elsewhere), so that calls that can overlap do.
 */
final class InFlightCountingBackend extends ForwardingInMemoryBackend {

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
    public AcquireResult tryAcquire(AcquireRequest request) {
        acquireCalls.incrementAndGet();
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            if (firstCall.getAndSet(false)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> maxInFlight.get() > 1 || othersSettled.getAsBoolean());
            }
            return super.tryAcquire(request);
        } finally {
            inFlight.decrementAndGet();
        }
    }
}
