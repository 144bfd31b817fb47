package dev.distlock.zookeeper;

import dev.distlock.spi.LeaseLossSignals.LeaseLossListener;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Curator's connection states into lease news for the engine. Every lock node of ours is an
 * ephemeral node of ONE session, so the session's fate is the fate of all our leases at once:
 * <ul>
 * <li>SUSPENDED: the connection dropped; the session (and our nodes) may live on, but nobody can
 *     confirm it now: leases at risk.
 * <li>LOST: the session expired (or Curator judged so after a full session timeout without a
 *     server): every node is gone, our bookkeeping is dropped first so that a later reconnection
 *     cannot make a renew or a retry look at an old lease as if it were still ours.
 * <li>RECONNECTED: watches of a new session are gone: waiters look again.
 * </ul>
 */
final class SessionStateSignals implements ConnectionStateListener {

    private static final Logger log = LoggerFactory.getLogger(SessionStateSignals.class);

    private static final LeaseLossListener NOBODY = new LeaseLossListener() {
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

    private final Runnable forgetSession;
    private final ReleaseWaiters waiters;
    private volatile LeaseLossListener listener = NOBODY;

    /**
     * @param forgetSession drops every owner-to-node entry of the lost session
     */
    SessionStateSignals(Runnable forgetSession, ReleaseWaiters waiters) {
        this.forgetSession = forgetSession;
        this.waiters = waiters;
    }

    void setListener(LeaseLossListener listener) {
        this.listener = listener == null ? NOBODY : listener;
    }

    @Override
    public void stateChanged(CuratorFramework client, ConnectionState newState) {
        switch (newState) {
            case SUSPENDED -> {
                log.warn("ZooKeeper connection suspended: held locks are at risk until it is back");
                listener.leasesAtRisk("ZooKeeper connection suspended");
            }
            case LOST -> {
                log.warn("ZooKeeper session lost: every lock held through it is gone");
                forgetSession.run();
                listener.allLeasesLost("ZooKeeper session lost");
                waiters.wakeAll();
            }
            case RECONNECTED -> waiters.wakeAll();
            default -> {
            }
        }
    }
}
