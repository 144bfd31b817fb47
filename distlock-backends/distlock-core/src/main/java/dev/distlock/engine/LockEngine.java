package dev.distlock.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.jspecify.annotations.Nullable;
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
 * backend call, waiting (threads of this engine on one unfair key queue in a {@link LocalKeyGate}),
 * renewal, lease-loss handling, minimum hold time, shutdown and event hooks; the backend only
 * grants, renews and releases, each call under the engine's operation timeout.
 */
public final class LockEngine implements DistributedLocks, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LockEngine.class);

    private final LockBackend backend;
    private final String namespace;
    private final Clock clock;
    private final NanoClock nanoClock;
    private final LeaseLossPolicy leaseLossPolicy;
    private final LockEventListener events;
    private final AcquireLoop acquireLoop;
    private final RenewalWatchdog watchdog;
    private final LeaseExtension extension;
    private final LockReleases releases;
    private final EngineShutdown shutdown;
    private final OwnerIds ownerIds = new OwnerIds();
    private final ConcurrentMap<String, HeldLock> held = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, WaiterInfo> waiters = new ConcurrentHashMap<>();
    private final LocalKeyGate gate;
    private final ReleasedToWaiters releasedToWaiters;
    private final BeforeWaiting beforeWaiting = this::waiting;

    LockEngine(LockEngineBuilder builder) {
        this.backend = builder.backend;
        this.namespace = builder.namespace;
        this.clock = builder.clock;
        this.nanoClock = builder.nanoClock;
        this.leaseLossPolicy = builder.leaseLossPolicy;
        this.events = IsolatedEvents.of(builder.events);
        StoreCalls calls = new StoreCalls(backend, builder.operationTimeout, builder.firstConnectionTimeout,
                StoreCallThreads.get(), builder.scheduler);
        this.acquireLoop = new AcquireLoop(backend, calls, nanoClock, builder.waitSettings, this::newHeldLock);
        this.gate = new LocalKeyGate(nanoClock);
        this.releasedToWaiters = new ReleasedToWaiters(nanoClock, builder.waitSettings);
        this.watchdog = new RenewalWatchdog(backend, calls, builder.scheduler, this, held.values());
        this.extension = new LeaseExtension(backend, calls, this, watchdog);
        this.releases = new LockReleases(backend, calls, builder.scheduler, this, releasedToWaiters);
        this.shutdown = new EngineShutdown(builder.shutdownTimeout);
        if (backend instanceof LeaseLossSignals signals) {
            signals.setLeaseLossListener(new LeaseLossRouter(this));
        }
        calls.warmUp();
    }

    public static LockEngineBuilder builder(LockBackend backend) {
        return new LockEngineBuilder(backend);
    }

    @Override
    public Optional<Lease> tryAcquire(String key, LockOptions options) {
        return tryAcquireFullKey(fullKey(key), options);
    }

    /**
     * Hands {@code lease}, granted by this engine, from the acquiring thread to async work, for a
     * call that returned an unfinished future: the thread stops being a holder when its last
     * synchronous hold ends, so that calling again it waits for this lock instead of re-entering it.
     * Idempotent; a lease of another engine is left as it is.
     */
    public void detachFromThread(Lease lease) {
        if (lease instanceof EngineLease engineLease && engineLease.grantedBy(this)) {
            engineLease.detachFromThread();
        }
    }

    /** Like {@link #tryAcquire(String, LockOptions)} for a key that already carries the namespace. */
    public Optional<Lease> tryAcquireFullKey(String fullKey, LockOptions options) {
        return Optional.ofNullable(acquireFullKeyOrNull(fullKey, options));
    }

    /**
     * {@link #tryAcquireFullKey} answering null rather than an empty Optional, for the interceptor,
     * which runs on every call of an annotated method and allocates nothing it can do without.
     */
    public @Nullable Lease acquireFullKeyOrNull(String fullKey, LockOptions options) {
        Objects.requireNonNull(options, "options");
        requireUsableKey(fullKey);
        if (options.fair() && !backend.capabilities().fair()) {
            throw new IllegalArgumentException("Lock '" + fullKey + "' asks for fair = true, but the "
                    + backend.name() + " backend cannot grant locks in request order");
        }
        Thread thread = Thread.currentThread();
        HeldLock current = held.get(fullKey);
        if (current != null && current.isHeldBy(thread)) {
            Lease reentered = reenter(current, thread);
            if (reentered != null) {
                return reentered;
            }
        }
        if (shutdown.isShutDown()) {
            throw new LockNotAcquiredException(fullKey, "Lock '" + fullKey + "' was not acquired: the lock engine is shut down", null);
        }
        return acquireFromBackend(fullKey, options);
    }

    @Override
    public String fullKey(String key) {
        return namespace + ":" + key;
    }

    /** {@code <namespace>:<name>:<key>}, the full key of an annotated method's lock, built in one step. */
    public String fullKey(String name, String key) {
        return namespace + ":" + name + ":" + key;
    }

    public String namespace() {
        return namespace;
    }

    public LockBackend backend() {
        return backend;
    }

    /** The locks this engine holds now. */
    public List<HeldLockInfo> heldLocks() {
        long now = nanoTime();
        return held.values().stream().filter(lock -> lock.isHeldAt(now)).map(HeldLock::info).toList();
    }

    /** The threads of this engine waiting for a lock now. */
    public List<WaiterInfo> waiters() {
        return List.copyOf(waiters.values());
    }

    /**
     * Shuts down: no new acquisitions from now on; waits, up to the shutdown timeout, for the methods
     * still holding locks to end, which releases their locks as usual. A lock whose method runs on
     * past that is not freed under it: it is marked lost, no longer renewed, and ends in the store
     * when its lease runs out. Idempotent.
     */
    @Override
    public void close() {
        if (!shutdown.begin()) {
            return;
        }
        shutdown.awaitHoldersDone(held.values());
        held.values().forEach(lock -> lost(lock, "the lock engine shut down while its method still ran; "
                + "the lease is no longer renewed and ends at " + lock.expiresAt()));
        watchdog.stop();
        releases.cancelDelayed();
    }

    private @Nullable Lease reenter(HeldLock lock, Thread thread) {
        if (!lock.isHeldAt(nanoTime())) {
            throw new LockNotAcquiredException(lock.key, "Lock '" + lock.key
                    + "' was lost while an outer call of this thread held it; not re-entering", null);
        }
        return lock.tryEnter(thread) ? new ReentrantLease(lock) : null;
    }

    private @Nullable Lease acquireFromBackend(String key, LockOptions options) {
        String owner = ownerIds.next();
        long startedNanos = nanoTime();
        long deadline = startedNanos + options.waitFor().toNanos();
        // Fair locks skip the local line: the store's queue orders them across JVMs.
        boolean gated = !options.fair();
        boolean holdsTurn = false;
        boolean turnGoesWithLock = false;
        AcquireRequest request = new AcquireRequest(key, owner, options.lease(), options.fair(), options.autoRenew());
        HeldLock lock = null;
        try {
            LocalKeyGate.Admission admission = gated ? gate.enter(key, request, options.name(), deadline, beforeWaiting)
                    : LocalKeyGate.Admission.AT_ONCE;
            holdsTurn = gated && admission != null;
            if (admission != null && admission.grant() != null) {
                Grant handedOver = admission.grant(); // by the local holder that released it
                lock = newHeldLock(request, options, handedOver.fencingToken(), handedOver.sentAtNanos(), handedOver.validity());
            } else if (admission != null) {
                if (admission.ownerSpent()) {
                    request = new AcquireRequest(key, ownerIds.next(), options.lease(), options.fair(), options.autoRenew());
                    WaiterInfo listed = waiters.remove(owner); // listed once, under the owner id it asks with now
                    if (listed != null) {
                        waiters.put(request.owner(), listed);
                    }
                }
                // Our last release of the key woke other clients' waiters: they ask first (see ReleasedToWaiters).
                long waitersFirst = gated ? Math.min(releasedToWaiters.waitersFirstNanos(key), deadline - nanoTime()) : 0;
                lock = acquireLoop.acquire(request, options, deadline, beforeWaiting, admission.turn() == LocalKeyGate.Turn.YIELD,
                        waitersFirst);
            }
            forgetWaiter(owner, request);
            long now = nanoTime();
            // No Duration per call when nobody listens.
            Duration waited = events == LockEventListener.NONE ? Duration.ZERO : Duration.ofNanos(now - startedNanos);
            if (lock == null) {
                events.notAcquired(options.name(), key, waited);
                return null;
            }
            watchdog.schedule(lock); // before the sweep can see it
            HeldLock replaced = held.put(key, lock);
            if (replaced != null) {
                // Only the held locks are renewed and watched: one the store has granted anew had lapsed.
                lost(replaced, "the store granted the key again, to another call of this instance: this grant had lapsed");
            }
            watchdog.watch(lock);
            turnGoesWithLock = true; // from here the turn is left when the lock is released
            events.acquired(options.name(), key, lock.fencingToken, waited);
            return lock; // the grant is the first acquisition's handle
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LockNotAcquiredException failure = new LockNotAcquiredException(key, "Interrupted while waiting for lock '" + key + "'", e);
            events.acquireFailed(options.name(), key, Duration.ofNanos(nanoTime() - startedNanos), failure);
            throw failure;
        } catch (RuntimeException e) {
            if (lock == null) {
                events.acquireFailed(options.name(), key, Duration.ofNanos(nanoTime() - startedNanos), e);
            }
            throw e;
        } finally {
            forgetWaiter(owner, request);
            if (holdsTurn && !turnGoesWithLock) {
                gate.leave(key, false);
            }
        }
    }

    /**
     * The record of a grant of {@code request} to the calling thread, answered now. The lease started
     * when the granted attempt was sent, not when the answer came nor when the first attempt was:
     * expire early rather than late.
     */
    private HeldLock newHeldLock(AcquireRequest request, LockOptions options, long fencingToken, long sentAtNanos,
            @Nullable Duration validity) {
        return new HeldLock(request.key(), request.owner(), fencingToken, options, clock.instant(), nanoTime(), sentAtNanos,
                validity, Thread.currentThread(), this);
    }

    /** Lists the calling thread among the waiters while it waits for {@code request}. */
    private void waiting(AcquireRequest request, String lockName) {
        waiters.computeIfAbsent(request.owner(),
                owner -> new WaiterInfo(request.key(), lockName, clock.instant(), Thread.currentThread().getName()));
    }

    /** A thread that asked again with a new owner id (see {@link LocalKeyGate.Admission#ownerSpent()}) may be listed under both. */
    private void forgetWaiter(String firstOwner, AcquireRequest request) {
        if (waiters.isEmpty()) {
            return; // nobody waits, the common case: no hash of the owner id, no map lookups (this thread's own listing is seen)
        }
        waiters.remove(firstOwner);
        if (!request.owner().equals(firstOwner)) {
            waiters.remove(request.owner());
        }
    }

    /** Called when a {@link EngineLease} closes: the last hold releases, honouring {@code holdAtLeast}. */
    void exit(HeldLock lock, boolean detached) {
        if (!lock.exit(detached)) {
            return;
        }
        held.remove(lock.key, lock);
        boolean gated = !lock.options.fair();
        boolean handedOver = false;
        try {
            long now = nanoTime();
            // Not while shutting down: a hand-over's answer may come after this holder is done, and the
            // shutdown waits only for the locks it sees held.
            handedOver = gated && !shutdown.isShutDown() && releases.handOverToLocalWaiter(lock, now, gate);
            if (!handedOver) {
                releases.lastHoldEnded(lock, now);
            }
        } finally {
            if (gated && !handedOver) {
                // After the store's release (or its scheduling, under holdAtLeast): the next local thread
                // in line asks at once.
                gate.leave(lock.key, true);
            }
        }
        shutdown.holderDone();
    }

    /** {@link Lease#extend}: renews {@code lock} now for {@code lease}. */
    boolean extend(HeldLock lock, Duration lease) {
        return extension.extend(lock, lease);
    }

    /** Marks a held lease lost (once), counts it and applies the policy. */
    void lost(HeldLock lock, String reason) {
        if (!lock.markLost()) {
            return;
        }
        events.lost(lock.options.name(), lock.key, reason);
        log.warn("Lost lock '{}' (fencing token {}) while holding it: {}", lock.key, lock.fencingToken, reason);
        if (leaseLossPolicy == LeaseLossPolicy.INTERRUPT) {
            lock.interruptHolderIfInside();
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

    /** How many keys have a thread of this engine at the store or holding through the local gate; for tests. */
    int keysWithTurns() {
        return gate.keysWithTurns();
    }

    long nanoTime() {
        return nanoClock.nanoTime();
    }

    LockEventListener events() {
        return events;
    }

    private static void requireUsableKey(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("Lock key must not be null or blank");
        }
    }
}
