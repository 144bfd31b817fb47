package dev.distlock.etcd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseGrantResponse;

import dev.distlock.spi.LockBackendException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend's {@link SharedLease}s, one per lease length in whole seconds, as etcd's own Mutexes
 * share one {@code concurrency.Session}: a lock takes the lease of its length (granted on first
 * use), so that acquiring is one put and releasing one delete, with no lease grant or revoke per lock.
 *
 * <p>Each lease has one keep-alive of its own, sent every third of its TTL by this class (not
 * jetcd's keep-alive stream, which does not say when it sent the request that an answer belongs to:
 * we need that time to say how long the lease surely holds). A failed keep-alive is retried after
 * {@link #RETRY_DELAY}; etcd answering that the lease is not found means every lock on it is gone.
 *
 * <p>A lease whose last lock is released is kept alive for {@link #LINGER} more before it is
 * revoked: a process that takes and frees locks in a loop then never grants one per lock, and an
 * unused lease costs one keep-alive per third of its TTL until then.
 */
final class SharedLeases {

    private static final Logger log = LoggerFactory.getLogger(SharedLeases.class);

    static final Duration RETRY_DELAY = Duration.ofMillis(500);
    static final Duration LINGER = Duration.ofSeconds(10);

    private final Client client;
    private final EtcdGateway gateway;
    private final Duration timeout;
    private final ScheduledExecutorService timer;
    private final Executor events;
    private final Consumer<SharedLease> onGone;
    private final ReentrantLock guard = new ReentrantLock();
    /**
     * By asked length in seconds; guarded by {@link #guard}. Every lease etcd may still have is here:
     * one is replaced only after it was forgotten (gone, or found missing).
     */
    private final Map<Long, SharedLease> byLength = new HashMap<>();

    /** {@code onGone}: etcd no longer has the lease (expired or revoked); runs on {@code events}. */
    SharedLeases(Client client, EtcdGateway gateway, Duration timeout, ScheduledExecutorService timer, Executor events,
                 Consumer<SharedLease> onGone) {
        this.client = client;
        this.gateway = gateway;
        this.timeout = timeout;
        this.timer = timer;
        this.events = events;
        this.onGone = onGone;
    }

    /**
     * The lease for locks of {@code ttl}, counted as used by one more lock; granted here (one round
     * trip) if there is none. A lease whose last keep-alive failed, or whose time bought is nearly
     * used up (a grant that etcd answered late, a keep-alive that is late), is kept alive here first
     * (one round trip): a lock must not start on a lease that nobody can say holds.
     */
    SharedLease retain(Duration ttl) {
        long seconds = EtcdGateway.seconds(ttl);
        guard.lock();
        try {
            SharedLease lease = byLength.get(seconds);
            if (lease == null || lease.isGone()) {
                lease = grant(seconds);
            }
            if (lease.needsKeepAliveNow(System.nanoTime()) && !keepAliveNow(lease)) {
                lease = grant(seconds);
            }
            lease.retain();
            return lease;
        } finally {
            guard.unlock();
        }
    }

    /** One lock less on {@code lease}. */
    void release(SharedLease lease) {
        guard.lock();
        try {
            lease.release(System.nanoTime());
        } finally {
            guard.unlock();
        }
    }

    int size() {
        guard.lock();
        try {
            return byLength.size();
        } finally {
            guard.unlock();
        }
    }

    /**
     * Forgets every lease; revokes the unused ones without waiting (they hold no lock) and returns
     * the ids of those still in use, for the backend's close to revoke and wait for.
     */
    List<Long> shutdown() {
        guard.lock();
        try {
            List<Long> inUse = new ArrayList<>();
            for (SharedLease lease : byLength.values()) {
                lease.gone();
                if (lease.inUse()) {
                    inUse.add(lease.id());
                } else {
                    gateway.revokeQuietly(lease.id());
                }
            }
            byLength.clear();
            return inUse;
        } finally {
            guard.unlock();
        }
    }

    private SharedLease grant(long seconds) {
        long sent = System.nanoTime();
        LeaseGrantResponse granted = gateway.await(client.getLeaseClient().grant(seconds), "grant a shared lease");
        SharedLease lease = new SharedLease(granted.getID(), seconds, granted.getTTL(), sent);
        byLength.put(seconds, lease);
        schedule(lease, lease.keepAlivePeriod());
        return lease;
    }

    /** @return false when etcd no longer has the lease */
    private boolean keepAliveNow(SharedLease lease) {
        long sent = System.nanoTime();
        long ttl;
        try {
            ttl = gateway.await(client.getLeaseClient().keepAliveOnce(lease.id()), "keep a shared lease alive").getTTL();
        } catch (LockBackendException e) {
            if (!EtcdErrors.leaseNotFound(e)) {
                throw e;
            }
            ttl = 0;
        }
        if (ttl <= 0) {
            forget(lease);
            run(() -> onGone.accept(lease));
            return false;
        }
        lease.keptAlive(sent, ttl);
        return true;
    }

    private void schedule(SharedLease lease, Duration delay) {
        try {
            timer.schedule(() -> keepAlive(lease), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // The backend is closed: its leases are revoked or expire.
        }
    }

    private void keepAlive(SharedLease lease) {
        if (lease.isGone()) {
            return;
        }
        guard.lock();
        try {
            if (lease.idleFor(LINGER, System.nanoTime())) {
                forget(lease);
                gateway.revokeQuietly(lease.id());
                return;
            }
        } finally {
            guard.unlock();
        }
        long sent = System.nanoTime();
        client.getLeaseClient().keepAliveOnce(lease.id())
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((response, error) -> {
                    if (error == null && response.getTTL() > 0) {
                        lease.keptAlive(sent, response.getTTL());
                        schedule(lease, lease.keepAlivePeriod());
                    } else if (error == null || EtcdErrors.leaseNotFound(error)) {
                        log.debug("Shared etcd lease {} is gone: its locks are lost", Long.toHexString(lease.id()));
                        forget(lease);
                        run(() -> onGone.accept(lease));
                    } else {
                        lease.keepAliveFailed();
                        log.debug("Keep-alive of shared etcd lease {} failed, retrying in {}: {}",
                                Long.toHexString(lease.id()), RETRY_DELAY, error.toString());
                        schedule(lease, RETRY_DELAY);
                    }
                });
    }

    /** Nobody may use {@code lease} again: it ended, or a put found it missing in etcd. */
    void forget(SharedLease lease) {
        guard.lock();
        try {
            lease.gone();
            byLength.remove(lease.askedSeconds(), lease);
        } finally {
            guard.unlock();
        }
    }

    private void run(Runnable task) {
        try {
            events.execute(task);
        } catch (RejectedExecutionException closed) {
            // Closed: nobody is left to tell.
        }
    }
}
