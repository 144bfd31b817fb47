package dev.distlock.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.distlock.DistributedLocks;
import dev.distlock.Lease;
import dev.distlock.LockNotAcquiredException;
import dev.distlock.LockOptions;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.LeaseLossSignals;
import dev.distlock.spi.LockBackend;

/**
 * The lock engine: everything every backend shares, written once. Re-entrancy per thread without a
 * backend call, waiting, renewal, lease-loss handling, minimum hold time and event hooks; the
 * backend only grants, renews and releases.
 */
public final class LockEngine implements DistributedLocks, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LockEngine.class);

    private final LockBackend backend;
    private final String namespace;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final LeaseLossPolicy leaseLossPolicy;
    private final LockEventListener events;
    private final AcquireLoop acquireLoop;
    private final RenewalWatchdog watchdog;
    private final OwnerIds ownerIds = new OwnerIds();
    private final ConcurrentMap<String, HeldLock> held = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, WaiterInfo> waiters = new ConcurrentHashMap<>();

    private LockEngine(Builder builder) {
        this.backend = builder.backend;
        this.namespace = builder.namespace;
        this.clock = builder.clock;
        this.scheduler = builder.scheduler;
        this.leaseLossPolicy = builder.leaseLossPolicy;
        this.events = builder.events;
        this.acquireLoop = new AcquireLoop(backend, builder.waitSettings);
        this.watchdog = new RenewalWatchdog(backend, scheduler, this);
        if (backend instanceof LeaseLossSignals signals) {
            signals.setLeaseLossListener(new LeaseLossRouter(this));
        }
    }

    public static Builder builder(LockBackend backend) {
        return new Builder(backend);
    }

    @Override
    public Optional<Lease> tryAcquire(String key, LockOptions options) {
        return tryAcquireFullKey(fullKey(key), options);
    }

    /** Like {@link #tryAcquire(String, LockOptions)} for a key that already carries the namespace. */
    public Optional<Lease> tryAcquireFullKey(String fullKey, LockOptions options) {
        Objects.requireNonNull(options, "options");
        requireUsableKey(fullKey);
        if (options.fair() && !backend.capabilities().fair()) {
            throw new IllegalArgumentException("Lock '" + fullKey + "' asks for fair = true, but the "
                    + backend.name() + " backend cannot grant locks in request order");
        }
        HeldLock current = held.get(fullKey);
        if (current != null && current.isHeldBy(Thread.currentThread())) {
            return Optional.of(reenter(current));
        }
        return acquireFromBackend(fullKey, options);
    }

    @Override
    public String fullKey(String key) {
        return namespace + ":" + key;
    }

    public String namespace() {
        return namespace;
    }

    public LockBackend backend() {
        return backend;
    }

    /** The locks this engine holds now. */
    public List<HeldLockInfo> heldLocks() {
        Instant now = now();
        return held.values().stream().filter(lock -> lock.isHeldAt(now)).map(HeldLock::info).toList();
    }

    /** The threads of this engine waiting for a lock now. */
    public List<WaiterInfo> waiters() {
        return List.copyOf(waiters.values());
    }

    /** Releases every lock still held, so that other instances need not wait for the leases to run out. */
    @Override
    public void close() {
        held.values().forEach(this::releaseNow);
        held.clear();
    }

    private Lease reenter(HeldLock lock) {
        if (!lock.isHeldAt(now())) {
            throw new LockNotAcquiredException(lock.key, "Lock '" + lock.key
                    + "' was lost while an outer call of this thread held it; not re-entering", null);
        }
        lock.enter();
        return new EngineLease(lock, this);
    }

    private Optional<Lease> acquireFromBackend(String key, LockOptions options) {
        String owner = ownerIds.next();
        Instant started = now();
        long startedNanos = System.nanoTime();
        Optional<Long> token;
        try {
            token = acquireLoop.acquire(new AcquireRequest(key, owner, options.lease(), options.fair()), options.waitFor(),
                    () -> waiters.put(owner, new WaiterInfo(key, options.name(), started, Thread.currentThread().getName())));
        } catch (RuntimeException e) {
            events.acquireFailed(options.name(), key, Duration.ofNanos(System.nanoTime() - startedNanos), e);
            throw e;
        } finally {
            waiters.remove(owner);
        }
        Duration waited = Duration.ofNanos(System.nanoTime() - startedNanos);
        if (token.isEmpty()) {
            events.notAcquired(options.name(), key, waited);
            return Optional.empty();
        }
        // The lease started when we asked, not when the answer came: expire early rather than late.
        HeldLock lock = new HeldLock(key, owner, token.get(), options, started, Thread.currentThread());
        held.put(key, lock);
        watchdog.watch(lock);
        events.acquired(options.name(), key, lock.fencingToken, waited);
        return Optional.of(new EngineLease(lock, this));
    }

    /** Called by {@link EngineLease#close()}: the last hold releases, honouring {@code holdAtLeast}. */
    void exit(HeldLock lock) {
        if (!lock.exit()) {
            return;
        }
        held.remove(lock.key, lock);
        Instant now = now();
        if (!now.isBefore(lock.expiresAt())) {
            // Ran out between two renewals (a long pause): the holder may have overlapped a successor.
            lost(lock, "lease ran out at " + lock.expiresAt() + " before it was released");
        }
        Instant holdUntil = lock.acquiredAt.plus(lock.options.holdAtLeast());
        if (now.isBefore(holdUntil) && !lock.wasLost()) {
            releaseAt(lock, Duration.between(now, holdUntil));
        } else {
            releaseNow(lock);
        }
    }

    /**
     * Keeps the lock until {@code holdAtLeast} has passed: the lease is set to exactly the remaining
     * time, so that it also ends then if this process dies, and the release is scheduled for then.
     */
    private void releaseAt(HeldLock lock, Duration remaining) {
        boolean wasHeld = !lock.wasLost();
        lock.markReleased();
        events.released(lock.options.name(), lock.key, Duration.between(lock.acquiredAt, now()));
        try {
            backend.renew(lock.key, lock.owner, remaining);
        } catch (RuntimeException e) {
            log.warn("Could not shorten lock '{}' to its remaining hold time; it ends with its lease", lock.key, e);
        }
        if (wasHeld) {
            scheduler.schedule(() -> releaseQuietly(lock), remaining.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private void releaseNow(HeldLock lock) {
        if (lock.markReleased()) {
            events.released(lock.options.name(), lock.key, Duration.between(lock.acquiredAt, now()));
        }
        releaseQuietly(lock);
    }

    private void releaseQuietly(HeldLock lock) {
        try {
            backend.release(lock.key, lock.owner);
        } catch (RuntimeException e) {
            log.warn("Could not release lock '{}'; it ends when its lease runs out at {}", lock.key, lock.expiresAt(), e);
        }
    }

    /** Marks a held lease lost (once), counts it and applies the policy. */
    void lost(HeldLock lock, String reason) {
        if (!lock.markLost()) {
            return;
        }
        events.lost(lock.options.name(), lock.key, reason);
        log.warn("Lost lock '{}' (fencing token {}) while holding it: {}", lock.key, lock.fencingToken, reason);
        Thread holder = lock.holder();
        if (leaseLossPolicy == LeaseLossPolicy.INTERRUPT && holder != null) {
            holder.interrupt();
        }
    }

    void lost(String key, String owner, String reason) {
        HeldLock lock = held.get(key);
        if (lock != null && lock.owner.equals(owner)) {
            lost(lock, reason);
        }
    }

    void allLost(String reason) {
        held.values().forEach(lock -> lost(lock, reason));
    }

    Instant now() {
        return clock.instant();
    }

    LockEventListener events() {
        return events;
    }

    private static void requireUsableKey(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("Lock key must not be null or blank");
        }
    }

    /** Configures a {@link LockEngine}. */
    public static final class Builder {

        private final LockBackend backend;
        private String namespace = "distlock";
        private Clock clock = Clock.systemUTC();
        private ScheduledExecutorService scheduler = SharedScheduler.get();
        private WaitSettings waitSettings = WaitSettings.DEFAULT;
        private LeaseLossPolicy leaseLossPolicy = LeaseLossPolicy.LOG;
        private LockEventListener events = LockEventListener.NONE;

        private Builder(LockBackend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
        }

        /** Prefix of every key, so that applications sharing a store do not share locks by accident. */
        public Builder namespace(String namespace) {
            if (namespace == null || namespace.isBlank()) {
                throw new IllegalArgumentException("namespace must not be blank");
            }
            this.namespace = namespace;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        public Builder waitSettings(WaitSettings waitSettings) {
            this.waitSettings = Objects.requireNonNull(waitSettings, "waitSettings");
            return this;
        }

        public Builder leaseLossPolicy(LeaseLossPolicy leaseLossPolicy) {
            this.leaseLossPolicy = Objects.requireNonNull(leaseLossPolicy, "leaseLossPolicy");
            return this;
        }

        public Builder events(LockEventListener events) {
            this.events = Objects.requireNonNull(events, "events");
            return this;
        }

        public LockEngine build() {
            return new LockEngine(this);
        }
    }
}
