package dev.distlock.etcd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.BackendCapabilities.FencingStrength;
import dev.distlock.spi.BackendCapabilities;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.DispatchingBackend;
import dev.distlock.spi.KeyHandOver;
import dev.distlock.spi.LeaseLossSignals;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.ReleaseNotifications;
import dev.distlock.spi.ReleaseOutcome;
import dev.distlock.spi.RenewRequest;
import dev.distlock.spi.RenewResult;
import dev.distlock.spi.support.DaemonThreads;
import org.jspecify.annotations.Nullable;

/**
 * Locks in etcd, in the way of etcd's {@code concurrency.Mutex}: a queue of nodes per key ordered by
 * create revision, the oldest holds, each waiter watches the node just ahead of it, and the holder's
 * create revision is its fencing token (strong: issued by raft, never reused).
 *
 * <p>Locks of one lease length share one etcd lease ({@link SharedLeases}), as the Mutexes of one
 * etcd session do: acquiring is one put-if-absent transaction, releasing one guarded delete, and the
 * backend keeps the shared lease alive while any of its locks is held, so that a frozen or dead
 * process loses them all one lease later. A lock the engine stops renewing still ends at its own
 * TTL: {@link OverdueLocks} deletes it once the engine's last renewal has run out. A renewal with
 * another TTL moves the lock to a lease of exactly that TTL ({@link Renewal}); a lock with
 * {@code autoRenew} off and a fair lock have a lease of their own. One watch on the whole prefix
 * ({@link HeldNodes}) tells the engine at once, through {@link LeaseLossSignals}, when etcd deletes
 * a held node; when that watch ends without a deletion (etcd compacted its revision, jetcd gave up
 * on its stream), it starts again and every held node is read once.
 *
 * <p>etcd counts leases in whole seconds and raises short ones to its minimum (1.5 election timeouts,
 * 2 s by default): a TTL is rounded up, never down, so a lock is held at least as long as asked.
 */
public final class EtcdLockBackend implements LockBackend, ReleaseNotifications, LeaseLossSignals, KeyHandOver, DispatchingBackend {

    private static final Logger log = LoggerFactory.getLogger(EtcdLockBackend.class);
    /**
     * How long close waits for its lease revokes. They are a courtesy (every lease ends at its TTL on
     * its own), and a lease still in use at close is one whose release did not reach the store: with
     * the store gone, jetcd's revoke would wait out the whole request timeout.
     */
    private static final Duration CLOSE_REVOKE_WAIT = Duration.ofSeconds(1);

    private final Client client;
    private final boolean ownsClient;
    private final Duration requestTimeout;
    private final EtcdKeyLayout keys;
    /** What the backend's one watch saw deleted, for the waiters and for a release to waiters. */
    private final QueueDeletions deletions = new QueueDeletions();
    private final EtcdGateway gateway;
    private final HeldNodes heldNodes;
    private final SharedLeases sharedLeases;
    private final OverdueLocks overdue;
    private final List<String> endpoints;
    private final LockSlots slots;
    /** Sends the shared leases' keep-alives and sweeps for locks past their TTL; never calls etcd and waits. */
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("distlock-etcd-leases"));
    /** Runs watch and keep-alive callbacks off jetcd's threads; drops them once the backend is closed. */
    private final ExecutorService eventThreads = Executors.newCachedThreadPool(DaemonThreads.named("distlock-etcd-events"));
    private final Executor events = command -> {
        try {
            eventThreads.execute(command);
        } catch (RejectedExecutionException closed) {
            // Closed: nobody is left to tell.
        }
    };
    private volatile LeaseLossListener leaseLossListener;

    /** A backend with its own jetcd client, closed with it. */
    public EtcdLockBackend(EtcdSettings settings) {
        this(settings, builder -> { });
    }

    /** A backend with its own jetcd client, built from {@code settings} and then {@code clientCustomizer}, closed with it. */
    public EtcdLockBackend(EtcdSettings settings, Consumer<ClientBuilder> clientCustomizer) {
        this(EtcdClients.create(settings, clientCustomizer), true, settings.keyPrefix(), settings.requestTimeout(),
                settings.endpoints().stream().map(Object::toString).toList());
    }

    /** A backend on the application's client, which it never closes. */
    public EtcdLockBackend(Client client, String keyPrefix, Duration requestTimeout) {
        this(client, false, EtcdKeyLayout.normalizePrefix(keyPrefix == null ? EtcdSettings.DEFAULT_KEY_PREFIX : keyPrefix),
                requestTimeout, List.of());
    }

    private EtcdLockBackend(Client client, boolean ownsClient, String keyPrefix, Duration requestTimeout,
                            List<String> endpoints) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.requestTimeout = requestTimeout == null ? EtcdSettings.DEFAULT_REQUEST_TIMEOUT : requestTimeout;
        this.keys = new EtcdKeyLayout(keyPrefix);
        this.gateway = new EtcdGateway(client, this.requestTimeout);
        this.heldNodes = new HeldNodes(gateway, client, keys.root(), () -> leaseLossListener,
                slot -> withSlot(slot.key, slot.owner, ignored -> null), events, deletions);
        this.sharedLeases = new SharedLeases(client, gateway, this.requestTimeout, timer, events, heldNodes::leaseGone);
        this.slots = new LockSlots(keys, client, events, heldNodes, sharedLeases, deletions);
        this.overdue = new OverdueLocks(heldNodes, gateway, this::withSlot, events);
        this.endpoints = endpoints;
        long sweep = OverdueLocks.SWEEP_PERIOD.toMillis();
        timer.scheduleWithFixedDelay(overdue, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    /** What the watch reported deleted: for tests that bring a report late, as a slow stream would. */
    QueueDeletions queueDeletions() {
        return deletions;
    }

    @Override
    public String name() {
        return "etcd";
    }

    @Override
    public BackendCapabilities capabilities() {
        return new BackendCapabilities(true, FencingStrength.STRONG);
    }

    @Override
    public void setLeaseLossListener(LeaseLossListener listener) {
        this.leaseLossListener = listener;
    }

    @Override
    public AcquireResult tryAcquire(AcquireRequest request) {
        return withSlot(request.key(), request.owner(),
                slot -> new AcquireAttempt(slot, request, gateway, sharedLeases, overdue).run());
    }

    /** One transaction where it can ({@link HandOver}); else a release and then an attempt. */
    @Override
    public AcquireResult handOver(String key, String owner, AcquireRequest next) {
        // Nested slot locks, holder first: the next owner is a fresh acquisition, never itself handing over.
        AcquireResult handed = withSlot(key, owner, holding -> withSlot(next.key(), next.owner(),
                nextSlot -> new HandOver(holding, nextSlot, next, gateway, sharedLeases, overdue).run()));
        if (handed != null) {
            return handed;
        }
        release(key, owner);
        return tryAcquire(next);
    }

    @Override
    public boolean renew(String key, String owner, Duration ttl) {
        return renewWithValidity(key, owner, ttl).extended();
    }

    @Override
    public RenewResult renewWithValidity(String key, String owner, Duration ttl) {
        return renew(key, owner, ttl, System.nanoTime());
    }

    /**
     * Locks on a shared lease are answered from what this backend knows, with no request to etcd:
     * the shared lease's keep-alive extends them all, and the watch tells whether each node is still
     * ours. Only locks on a lease of their own (fair, autoRenew off, moved to another TTL) cost a
     * keep-alive each. Every validity counts from this call.
     */
    @Override
    public List<RenewResult> renewAll(List<RenewRequest> requests) {
        long calledAt = System.nanoTime();
        List<RenewResult> results = new ArrayList<>(requests.size());
        for (RenewRequest request : requests) {
            results.add(renew(request.key(), request.owner(), request.ttl(), calledAt));
        }
        return results;
    }

    private RenewResult renew(String key, String owner, Duration ttl, long calledAt) {
        return withSlot(key, owner, slot -> {
            if (!slot.isHeld() && !adoptHeld(slot)) {
                return RenewResult.refused();
            }
            RenewResult result = new Renewal(slot, gateway, heldNodes, overdue).renew(ttl, calledAt);
            if (!result.extended()) {
                slot.forget();
            }
            return result;
        });
    }

    @Override
    public boolean release(String key, String owner) {
        return releaseTellingWaiters(key, owner).released();
    }

    /**
     * {@link ReleaseOutcome#RELEASED_TO_WAITERS} when the watch saw another client's node leave the
     * queue while we held it: an unfair attempt that was denied, or a waiter that gave up. The engine
     * then lets them ask first, or the releaser, a round trip ahead of their watch events, keeps the key.
     */
    @Override
    public ReleaseOutcome releaseTellingWaiters(String key, String owner) {
        return withSlot(key, owner, slot -> {
            if (slot.state() == LockSlot.State.WAITING) {
                giveUp(slot);
                return ReleaseOutcome.NOT_HELD;
            }
            if (!slot.isHeld() && !adoptHeld(slot)) {
                return ReleaseOutcome.NOT_HELD;
            }
            return new HeldRelease(slot, gateway, overdue, deletions).delete();
        });
    }

    /**
     * An attempt's steps wait on each other under the slot's lock (a denied put is deleted again, a
     * waiting node's keep-alive and position go together): it runs on a store-call thread.
     */
    @Override
    public @Nullable CompletableFuture<AcquireResult> dispatchAcquire(AcquireRequest request) {
        return null;
    }

    /**
     * {@link #release} of a lock this backend holds, sent from the caller's thread: the same guarded
     * delete, one round trip, whose answer arrives on jetcd's thread, so that the engine needs no
     * store-call thread for it and the delete that wakes the next waiter goes out at once. Null (the
     * blocking release) for a waiting node and for a lock this instance does not know, which need
     * reads first.
     */
    @Override
    public @Nullable CompletableFuture<ReleaseOutcome> dispatchRelease(String key, String owner) {
        return withSlot(key, owner, slot -> slot.isHeld() ? new HeldRelease(slot, gateway, overdue, deletions).dispatchDelete() : null);
    }

    @Override
    public void withdraw(String key, String owner) {
        withSlot(key, owner, slot -> {
            giveUp(slot);
            return null;
        });
    }

    @Override
    public Subscription subscribe(String key, String owner, Runnable onChange) {
        return withSlot(key, owner, slot -> slot.subscribe(onChange, () -> withSlot(key, owner, ignored -> null)));
    }

    @Override
    public BackendHealth health() {
        Map<String, Object> details = new LinkedHashMap<>();
        if (!endpoints.isEmpty()) {
            details.put("endpoints", endpoints);
        }
        details.put("locksHeldOrAwaited", slots.size());
        details.put("sharedLeases", sharedLeases.size());
        details.put("heldWatchesRestarted", heldNodes.watchesRestarted());
        try {
            GetResponse response = gateway.ping(keys.root(), min(requestTimeout, Duration.ofSeconds(2)));
            details.put("revision", response.getHeader().getRevision());
            details.put("raftTerm", response.getHeader().getRaftTerm());
            details.put("memberId", Long.toUnsignedString(response.getHeader().getMemberId(), 16));
            return BackendHealth.up(details);
        } catch (RuntimeException e) {
            return BackendHealth.down(String.valueOf(e.getMessage()), details);
        }
    }

    /**
     * Revokes the leases of every node this backend still has, so that its locks free at once rather
     * than one TTL later (a closed backend cannot renew them anyway), then closes its own client.
     */
    @Override
    public void close() {
        timer.shutdownNow();
        heldNodes.close();
        // Shared leases first, while their locks still count them as in use.
        List<Long> leases = new ArrayList<>(sharedLeases.shutdown());
        leases.addAll(slots.shutdown());
        try {
            var revokes = leases.stream().map(id -> client.getLeaseClient().revoke(id).exceptionally(e -> null))
                    .toArray(CompletableFuture[]::new);
            Duration wait = requestTimeout.compareTo(CLOSE_REVOKE_WAIT) < 0 ? requestTimeout : CLOSE_REVOKE_WAIT;
            CompletableFuture.allOf(revokes).get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.debug("Not every lease could be revoked on close; they expire on their own", e);
        }
        eventThreads.shutdown();
        if (ownsClient) {
            client.close();
        }
    }

    /** The node of a slot this instance does not know (another backend instance acquired it): read it. */
    private boolean adoptHeld(LockSlot slot) {
        KeyValue kv = gateway.read(slot.node);
        if (kv == null) {
            return false;
        }
        EtcdGateway.Position position = gateway.position(slot.queue, slot.node, kv.getCreateRevision(), kv.getLease());
        if (!position.holds()) {
            return false;
        }
        // Unknown asked TTL: 0 never equals a requested one, so the next renewal moves to a fresh lease.
        // The lease may be another instance's shared one: never ours to revoke.
        slot.held(position, 0, false);
        return true;
    }

    /** Deletes our node whatever its state: it is named after our owner id, so it is ours alone. */
    private void giveUp(LockSlot slot) {
        long ownLease = slot.ownsLease() ? slot.leaseId() : 0;
        slot.forget();
        KeyValue deleted = gateway.deleteOwn(slot.node);
        if (deleted != null && deleted.getLease() == ownLease) {
            gateway.revokeQuietly(ownLease);
        }
    }

    private <T> T withSlot(String key, String owner, Function<LockSlot, T> action) {
        return slots.withSlot(key, owner, action);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
