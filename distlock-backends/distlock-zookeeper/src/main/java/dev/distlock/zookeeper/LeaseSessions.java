package dev.distlock.zookeeper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;

import dev.distlock.spi.LockBackendException;
import org.apache.curator.framework.CuratorFramework;

/**
 * The sessions of one backend, one per distinct lease length, each with the lease as its session
 * timeout: a crashed holder's node is deleted by the server one lease after it last heard from the
 * holder, and a live holder's session heartbeats keep it. Each session's timeout is read back from
 * the server before a lock is taken in it, and a lease the server would clamp is refused with the
 * reason, never silently lengthened or shortened.
 *
 * <p>At most {@link #MAX_SESSIONS} are open; one that has held no node and served no call for
 * {@link #IDLE_CLOSE} is closed when another is needed or looked up. The primary session (the
 * settings' session timeout, opened at start) stays open for health checks.
 *
 * <p>On the application's own client there is one session, whose timeout the application chose:
 * a lease shorter than it is refused (a crashed holder would keep the lock longer than its lease).
 */
final class LeaseSessions {

    static final int MAX_SESSIONS = 8;
    static final Duration IDLE_CLOSE = Duration.ofMinutes(1);

    /** Our own clients, by session timeout; null on the application's client. */
    private final Function<Duration, CuratorFramework> clients;
    private final SessionStateSignals.Factory signals;
    private final LeaseSession primary;
    /** By lease in ms. A monitor-free lock: nothing in it waits on the network (a client connects in the background). */
    private final Map<Long, LeaseSession> byLease = new LinkedHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean closed;

    private LeaseSessions(Function<Duration, CuratorFramework> clients, SessionStateSignals.Factory signals,
                          LeaseSession primary) {
        this.clients = clients;
        this.signals = signals;
        this.primary = primary;
    }

    /** Sessions of clients we build, the first for {@code primaryLease}; closed with {@link #close}. */
    static LeaseSessions own(Function<Duration, CuratorFramework> clients, Duration primaryLease,
                             SessionStateSignals.Factory signals) {
        LeaseSession primary = new LeaseSession(clients.apply(primaryLease), true, signals);
        LeaseSessions sessions = new LeaseSessions(clients, signals, primary);
        sessions.byLease.put(primaryLease.toMillis(), primary);
        return sessions;
    }

    /** The one session of the application's started client, which stays the application's. */
    static LeaseSessions shared(CuratorFramework client, SessionStateSignals.Factory signals) {
        return new LeaseSessions(null, signals, new LeaseSession(client, false, signals));
    }

    LeaseSession primary() {
        return primary;
    }

    /**
     * The session for locks of {@code lease}, entered (call {@link LeaseSession#exit()} after use).
     *
     * @param holdsNodes whether a session still has lock nodes of ours (those are never closed)
     * @throws LockBackendException when the lease cannot be honoured, or no session could be had
     */
    LeaseSession enter(Duration lease, Predicate<LeaseSession> holdsNodes) {
        LeaseSession session = openEntered(lease, holdsNodes);
        try {
            refusal(lease, session.timeout()).ifPresent(reason -> {
                throw new LeaseRefusedException(reason);
            });
            return session;
        } catch (RuntimeException e) {
            session.exit();
            throw e;
        }
    }

    /** Why {@code lease} is refused, asking the server for a session of it if there is none yet. */
    Optional<String> refusal(Duration lease, Predicate<LeaseSession> holdsNodes) {
        try {
            enter(lease, holdsNodes).exit();
            return Optional.empty();
        } catch (LeaseRefusedException e) {
            return Optional.of(e.getMessage());
        } catch (LockBackendException e) {
            return Optional.empty(); // no answer now: the first acquisition will ask again
        }
    }

    List<LeaseSession> all() {
        lock.lock();
        try {
            List<LeaseSession> all = new ArrayList<>(byLease.values());
            if (!all.contains(primary)) {
                all.add(primary);
            }
            return all;
        } finally {
            lock.unlock();
        }
    }

    /** The session timeouts of the open sessions, for health. */
    List<String> describe() {
        lock.lock();
        try {
            return clients == null ? List.of("application's client") : byLease.keySet().stream().map(ms -> ms + "ms").toList();
        } finally {
            lock.unlock();
        }
    }

    boolean ownsClients() {
        return clients != null;
    }

    /**
     * A renewal to {@code ttl} of a node in {@code session}: the session guarantees its own timeout
     * and no more, so a longer lease is refused (a shorter one is only a shorter claim).
     */
    void requireWithin(Duration ttl, LeaseSession session) {
        if (clients == null) {
            return;
        }
        Long lease;
        lock.lock();
        try {
            lease = byLease.entrySet().stream().filter(entry -> entry.getValue() == session).map(Map.Entry::getKey)
                    .findFirst().orElse(null);
        } finally {
            lock.unlock();
        }
        if (lease != null && ttl.toMillis() > lease) {
            throw new LeaseRefusedException(REFUSAL + ttl.toMillis() + "ms for a lock taken with a lease of " + lease
                    + "ms: its node lives in the session of that lease, which the server expires " + lease
                    + "ms after it last heard from us; take the lock with the longer lease instead");
        }
    }

    void close(Duration wait) {
        closed = true;
        all().forEach(session -> session.close(wait));
    }

    /** Entered under the lock: a session is never closed as idle between being found and being entered. */
    private LeaseSession openEntered(Duration lease, Predicate<LeaseSession> holdsNodes) {
        if (clients == null) {
            primary.enter();
            return primary;
        }
        lock.lock();
        try {
            if (closed) {
                throw new LockBackendException("ZooKeeper: the lock backend is closed");
            }
            closeIdle(holdsNodes, lease.toMillis());
            LeaseSession session = byLease.get(lease.toMillis());
            if (session == null) {
                if (byLease.size() >= MAX_SESSIONS) {
                    throw new LockBackendException("ZooKeeper: " + MAX_SESSIONS + " sessions are open already, one per "
                            + "lease length in use (" + String.join(", ", describe()) + "), and none is idle; a lease of "
                            + lease.toMillis() + "ms would need another: use fewer distinct lease lengths");
                }
                session = new LeaseSession(clients.apply(lease), true, signals);
                byLease.put(lease.toMillis(), session);
            }
            session.enter();
            return session;
        } finally {
            lock.unlock();
        }
    }

    /** Called under the lock; closing does not wait: a session without nodes has nothing to lose. */
    private void closeIdle(Predicate<LeaseSession> holdsNodes, long keep) {
        long now = System.nanoTime();
        byLease.entrySet().removeIf(entry -> {
            LeaseSession session = entry.getValue();
            // Nodes first, then calls: a release enters its session before it forgets its node.
            if (session == primary || entry.getKey() == keep || holdsNodes.test(session) || !session.idleFor(IDLE_CLOSE, now)) {
                return false;
            }
            session.close(Duration.ZERO);
            return true;
        });
    }

    private static final String REFUSAL = "ZooKeeper cannot honour a lease of ";

    /** The reason {@code lease} cannot be the crash-recovery time in a session whose timeout is {@code timeout}. */
    private Optional<String> refusal(Duration lease, Duration timeout) {
        boolean shared = clients == null;
        if (shared ? lease.compareTo(timeout) >= 0 : lease.equals(timeout)) {
            return Optional.empty();
        }
        String head = REFUSAL + lease.toMillis() + "ms (a crashed holder's lock must be granted again one lease later): ";
        if (shared) {
            return Optional.of(head + "the application's CuratorFramework has a session timeout of " + timeout.toMillis()
                    + "ms, and a crashed holder would keep the lock that long. Use a lease of at least "
                    + timeout.toMillis() + "ms, shorten the client's session timeout, or let distlock open a session "
                    + "per lease (ZooKeeperLockBackend.create(settings); with Spring Boot, no CuratorFramework bean and "
                    + "distlock.zookeeper.connect-string set)");
        }
        if (timeout.compareTo(lease) > 0) {
            return Optional.of(head + "the servers grant no session timeout below " + timeout.toMillis()
                    + "ms (asked for " + lease.toMillis() + "ms: the server's session timeout of " + timeout.toMillis()
                    + "ms is its minSessionTimeout, by default 2 ticks), so a crashed holder would keep the lock that "
                    + "long. Use a lease of at least " + timeout.toMillis() + "ms, or lower minSessionTimeout (or tickTime) "
                    + "in the servers' zoo.cfg");
        }
        return Optional.of(head + "the servers grant no session timeout above " + timeout.toMillis()
                + "ms (the server's session timeout of " + timeout.toMillis() + "ms is its maxSessionTimeout, by default "
                + "20 ticks), so a holder cut off for longer would lose the lock while still believing it held it. Use a "
                + "lease of at most " + timeout.toMillis() + "ms (auto-renewal keeps a lock for as long as the method "
                + "runs), or raise maxSessionTimeout in the servers' zoo.cfg");
    }
}
