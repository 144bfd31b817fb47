package dev.distlock.autoconfigure.metrics;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEngine;
import dev.distlock.inmemory.InMemoryLockBackend;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.BackendCapabilities;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.LockBackendException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Each meter, recorded from the engine's events with the backend and lock name as tags, never the key. */
class LockMetricsTest {

    private static final String KEY = "order-4711";

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final InMemoryLockBackend store = new InMemoryLockBackend();
    private final LockEngine engine = engine(store);
    private final LockEngine otherInstance = LockEngine.builder(store).build();

    @AfterEach
    void close() {
        engine.close();
        otherInstance.close();
    }

    @Test
    void acquireTimerRecordsEachOutcomeUnderTheLockName() {
        try (Lease ignored = engine.tryAcquire(KEY, options()).orElseThrow()) {
            Optional<Lease> denied = runElsewhere(() -> engine.tryAcquire(KEY, options()));
            assertThat(denied).isEmpty();
        }
        assertThat(registry.get("distlock.acquire").tags("backend", "in-memory", "name", "pay", "outcome", "acquired").timer().count()).isEqualTo(1);
        assertThat(registry.get("distlock.acquire").tags("backend", "in-memory", "name", "pay", "outcome", "not_acquired").timer().count()).isEqualTo(1);
    }

    @Test
    void acquireTimerCountsAStoreThatCouldNotBeAskedAsError() {
        LockEngine failing = engine(new Unreachable());
        assertThatThrownBy(() -> failing.tryAcquire(KEY, options())).isInstanceOf(LockBackendException.class);
        assertThat(registry.get("distlock.acquire").tags("backend", "unreachable", "name", "pay", "outcome", "error").timer().count()).isEqualTo(1);
    }

    @Test
    void heldTimerAndActiveGaugeFollowTheLock() {
        Lease lease = engine.tryAcquire(KEY, options()).orElseThrow();
        assertThat(registry.get("distlock.active").tags("backend", "in-memory", "name", "pay").gauge().value()).isEqualTo(1);
        lease.close();
        assertThat(registry.get("distlock.active").tags("backend", "in-memory", "name", "pay").gauge().value()).isZero();
        assertThat(registry.get("distlock.held").tags("backend", "in-memory", "name", "pay").timer().count()).isEqualTo(1);
    }

    @Test
    void renewalsAreCountedWithTheirOutcome() {
        try (Lease ignored = engine.tryAcquire(KEY, options().withName("renewing").withAutoRenew(true)
                .withHoldAtLeast(Duration.ZERO)).orElseThrow()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> registry.find("distlock.renewals")
                    .tags("name", "renewing", "outcome", "renewed").counter() != null);
        }
    }

    @Test
    void aLostLeaseIsCounted() {
        RefusingRenewal refusing = new RefusingRenewal();
        LockEngine losing = engine(refusing);
        try (Lease lease = losing.tryAcquire(KEY, options()).orElseThrow()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !lease.isValid());
            // the lease is invalid first, and the engine tells its listeners right after, on the renewal's thread
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    registry.get("distlock.lost").tags("backend", "in-memory", "name", "pay").counter().count()).isEqualTo(1));
        }
        assertThat(registry.get("distlock.renewals").tags("name", "pay", "outcome", "failed").counter().count()).isEqualTo(1);
    }

    @Test
    void noMeterCarriesTheEvaluatedKeyOrATagBeyondBackendNameAndOutcome() {
        try (Lease ignored = engine.tryAcquire(KEY, options()).orElseThrow()) {
            runElsewhere(() -> engine.tryAcquire(KEY, options()));
        }
        Set<String> tagKeys = registry.getMeters().stream().flatMap(meter -> meter.getId().getTags().stream())
                .map(Tag::getKey).collect(Collectors.toSet());
        assertThat(tagKeys).containsOnly("backend", "name", "outcome");
        assertThat(registry.getMeters()).map(Meter::getId)
                .allSatisfy(id -> assertThat(id.getTags()).noneMatch(tag -> tag.getValue().contains(KEY)));
    }

    private LockEngine engine(LockBackend backend) {
        return LockEngine.builder(backend).events(new LockMetrics(registry, backend.name())).build();
    }

    /** On another thread, so that the engine's per-thread re-entrancy does not grant it. */
    private static <T> T runElsewhere(java.util.function.Supplier<T> action) {
        return java.util.concurrent.CompletableFuture.supplyAsync(action).orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
    }

    private static LockOptions options() {
        return new LockOptions("pay", Duration.ofMillis(300), Duration.ZERO, Duration.ZERO, true, false);
    }

    /** A store whose renewals are refused: the lease is lost at the first renewal. */
    private static final class RefusingRenewal implements LockBackend {
        private final InMemoryLockBackend delegate = new InMemoryLockBackend();

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public BackendCapabilities capabilities() {
            return delegate.capabilities();
        }

        @Override
        public AcquireResult tryAcquire(AcquireRequest request) {
            return delegate.tryAcquire(request);
        }

        @Override
        public boolean renew(String key, String owner, Duration ttl) {
            return false;
        }

        @Override
        public boolean release(String key, String owner) {
            return delegate.release(key, owner);
        }

        @Override
        public BackendHealth health() {
            return delegate.health();
        }
    }

    private static final class Unreachable implements LockBackend {
        @Override
        public String name() {
            return "unreachable";
        }

        @Override
        public BackendCapabilities capabilities() {
            return new BackendCapabilities(false, BackendCapabilities.FencingStrength.LOCAL);
        }

        @Override
        public AcquireResult tryAcquire(AcquireRequest request) {
            throw new LockBackendException("connection refused");
        }

        @Override
        public boolean renew(String key, String owner, Duration ttl) {
            throw new LockBackendException("connection refused");
        }

        @Override
        public boolean release(String key, String owner) {
            throw new LockBackendException("connection refused");
        }

        @Override
        public BackendHealth health() {
            return BackendHealth.down("connection refused", java.util.Map.of());
        }
    }
}
