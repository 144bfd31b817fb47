package dev.distlock.zookeeper;

import java.util.List;
import java.util.function.Supplier;

import dev.distlock.spi.LeaseLossSignals.LeaseLossListener;
import dev.distlock.spi.support.WaiterRegistry;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the connection states of one session's Curator client into lease news for the engine.
 * Every lock node of one lease length is an ephemeral node of that ONE session, so the session's
 * fate is the fate of all those leases at once:
 * <ul>
 * <li>SUSPENDED: the connection dropped; the session (and its nodes) may live on, but nobody can
 *     confirm it now: leases at risk.
 * <li>LOST: the session expired (or Curator judged so after a full session timeout without a
 *     server): its nodes are gone, our bookkeeping of them is dropped first so that a later
 *     reconnection cannot make a renew or a retry look at an old lease as if it were still ours,
 *     then each of their owners is told.
 * <li>RECONNECTED: watches of a new session are gone: waiters look again.
 * </ul>
 */
final class SessionStateSignals implements ConnectionStateListener {

    private static final Logger log = LoggerFactory.getLogger(SessionStateSignals.class);

    /** The listener until the engine sets its own. */
    static final LeaseLossListener NOBODY = new LeaseLossListener() {
        @Override
        public void leaseLost(String key, String owner, String reason) {
        }

        @Override
        public void allLeasesLost(String reason) {
        }

        @Override
        public void leasesAtRisk(String reason) {
        }
    };

    /** Makes the signals of one session. */
    @FunctionalInterface
    interface Factory {
        SessionStateSignals forSession(LeaseSession session);
    }

    private final Supplier<List<LockId>> forgetSession;
    private final WaiterRegistry<LockId> waiters;
    private final Supplier<LeaseLossListener> listener;

    /**
     * @param forgetSession drops every owner-to-node entry of the lost session, returning their owners
     * @param listener      the engine's listener, as it is when news comes
     */
    SessionStateSignals(Supplier<List<LockId>> forgetSession, WaiterRegistry<LockId> waiters, Supplier<LeaseLossListener> listener) {
        this.forgetSession = forgetSession;
        this.waiters = waiters;
        this.listener = listener;
    }

    @Override
    public void stateChanged(CuratorFramework client, ConnectionState newState) {
        switch (newState) {
            case SUSPENDED -> {
                log.warn("ZooKeeper connection suspended: held locks are at risk until it is back");
                listener.get().leasesAtRisk("ZooKeeper connection suspended");
            }
            case LOST -> {
                log.warn("ZooKeeper session lost: every lock held through it is gone");
                List<LockId> gone = forgetSession.get();
                gone.forEach(id -> listener.get().leaseLost(id.key(), id.owner(), "ZooKeeper session lost"));
                waiters.wakeAll();
            }
            case RECONNECTED -> waiters.wakeAll();
            default -> {
            }
        }
    }
}
