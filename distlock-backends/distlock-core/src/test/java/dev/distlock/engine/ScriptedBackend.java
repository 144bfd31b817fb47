package dev.distlock.engine;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.distlock.inmemory.InMemoryLockBackend;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.BackendCapabilities;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.LeaseLossSignals;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.RenewRequest;
import dev.distlock.spi.RenewResult;

/**
 * An in-memory store whose calls a test can make refuse, fail, lose their reply or hang, counting
 * every call. It does not notify waiters, so the engine must poll, and it can report lease loss
 * like etcd or ZooKeeper.
 */
class ScriptedBackend implements LockBackend, LeaseLossSignals {

    enum Renewal { NORMAL, REFUSE, FAIL }

    final InMemoryLockBackend store;
    final AtomicInteger acquireCalls = new AtomicInteger();
    final AtomicInteger renewCalls = new AtomicInteger();
    final AtomicInteger releaseCalls = new AtomicInteger();
    final AtomicInteger withdrawCalls = new AtomicInteger();
    /** Calls of {@link #renewAll}: one store call each, however many leases it carries. */
    final AtomicInteger renewAllCalls = new AtomicInteger();
    /** The leases of each {@link #renewAll} call, in the order of the calls. */
    final List<Integer> renewAllSizes = new CopyOnWriteArrayList<>();
    /** Renewals of a lease that did not come through {@link #renewAll}: one store call each. */
    final AtomicInteger singleRenewCalls = new AtomicInteger();
    /** Keys whose renewals the store refuses, as it would for a key that another owner holds now. */
    final Set<String> refusedRenewals = ConcurrentHashMap.newKeySet();
    /** The keys of every renewal the store applied, in the order it applied them. */
    final List<String> renewedKeys = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Boolean> inRenewAll = ThreadLocal.withInitial(() -> false);
    /** The ttl of every renewal the store applied, in the order it applied them. */
    final List<Duration> appliedRenewals = new CopyOnWriteArrayList<>();
    /** Keys whose renewals hang until {@link #unblock} opens. */
    final Set<String> hangingRenewals = ConcurrentHashMap.newKeySet();
    /** The next renewal (of any key) hangs until {@link #unblock} opens. */
    final AtomicBoolean hangNextRenewal = new AtomicBoolean();
    volatile Renewal renewal = Renewal.NORMAL;
    volatile boolean fair = true;
    /** The store applies a grant, but its reply never reaches the engine. */
    volatile boolean loseGrantReplies;
    volatile boolean hangAcquire;
    volatile boolean hangRelease;
    volatile boolean hangHealth;
    final CountDownLatch unblock = new CountDownLatch(1);
    volatile LeaseLossListener listener;
    /** When set, grants say they hold this long from the send time (as Redlock's drift allowance does). */
    volatile Duration grantValidity;
    /** When set, renewals say the extended lease holds this long from the send time. */
    volatile Duration renewValidity;

    ScriptedBackend() {
        this(new InMemoryLockBackend());
    }

    ScriptedBackend(InMemoryLockBackend store) {
        this.store = store;
    }

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
        if (hangAcquire) {
            hang();
        }
        AcquireResult result = store.tryAcquire(request);
        if (loseGrantReplies && result instanceof AcquireResult.Granted) {
            throw new LockBackendException("reply lost after the grant was applied (scripted)");
        }
        Duration validity = grantValidity;
        if (validity != null && result instanceof AcquireResult.Granted granted) {
            return AcquireResult.granted(granted.fencingToken(), validity);
        }
        return result;
    }

    @Override
    public boolean renew(String key, String owner, Duration ttl) {
        renewCalls.incrementAndGet();
        if (hangingRenewals.contains(key) || hangNextRenewal.getAndSet(false)) {
            hang();
        }
        if (!inRenewAll.get()) {
            singleRenewCalls.incrementAndGet();
        }
        if (refusedRenewals.contains(key)) {
            return false;
        }
        return switch (renewal) {
            case NORMAL -> {
                boolean renewed = store.renew(key, owner, ttl);
                if (renewed) {
                    appliedRenewals.add(ttl);
                    renewedKeys.add(key);
                }
                yield renewed;
            }
            case REFUSE -> false;
            case FAIL -> throw new LockBackendException("store unreachable (scripted)");
        };
    }

    @Override
    public RenewResult renewWithValidity(String key, String owner, Duration ttl) {
        boolean extended = renew(key, owner, ttl);
        Duration validity = renewValidity;
        if (!extended) {
            return RenewResult.refused();
        }
        return validity == null ? RenewResult.renewed() : RenewResult.renewed(validity);
    }

    /** The default one-by-one renewal, counted as the one store call that a batching store makes of it. */
    @Override
    public List<RenewResult> renewAll(List<RenewRequest> requests) {
        renewAllCalls.incrementAndGet();
        renewAllSizes.add(requests.size());
        inRenewAll.set(true);
        try {
            return LockBackend.super.renewAll(requests);
        } finally {
            inRenewAll.set(false);
        }
    }

    @Override
    public boolean release(String key, String owner) {
        releaseCalls.incrementAndGet();
        if (hangRelease) {
            hang();
        }
        return store.release(key, owner);
    }

    @Override
    public void withdraw(String key, String owner) {
        withdrawCalls.incrementAndGet();
        store.withdraw(key, owner);
    }

    @Override
    public BackendHealth health() {
        if (hangHealth) {
            hang();
        }
        return store.health();
    }

    @Override
    public void setLeaseLossListener(LeaseLossListener listener) {
        this.listener = listener;
    }

    /** A store that does not answer: waits for the test to let it go, ignoring interrupts as a stuck socket would. */
    private void hang() {
        boolean interrupted = false;
        while (true) {
            try {
                if (unblock.await(60, TimeUnit.SECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
