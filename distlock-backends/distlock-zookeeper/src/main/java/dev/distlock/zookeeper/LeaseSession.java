package dev.distlock.zookeeper;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.support.DaemonThreads;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ZooKeeper session and what lives in it: the lock nodes of one lease length are ephemeral
 * nodes of this session, so the server deletes them (and grants their keys to the next in line)
 * one session timeout after it last heard from us. That timeout is the crash-recovery time, so it
 * must be the lease: {@link #timeout()} reads back what the server negotiated.
 */
final class LeaseSession {

    private static final Logger log = LoggerFactory.getLogger(LeaseSession.class);

    private final CuratorFramework client;
    private final boolean ownsClient;
    private final LockNodeStore store;
    private final LockNodeReads reads;
    private final UnansweredCreates unanswered;
    private final SessionStateSignals signals;
    /** Calls between {@link #enter()} and {@link #exit()}: a session in use is never closed as idle. */
    private final AtomicInteger inUse = new AtomicInteger();
    private volatile long lastUsedNanos = System.nanoTime();

    LeaseSession(CuratorFramework client, boolean ownsClient, SessionStateSignals.Factory signals) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.store = new LockNodeStore(client);
        this.reads = new LockNodeReads(client);
        this.unanswered = new UnansweredCreates(store, reads);
        this.signals = signals.forSession(this);
        client.getConnectionStateListenable().addListener(this.signals);
    }

    LockNodeStore store() {
        return store;
    }

    LockNodeReads reads() {
        return reads;
    }

    UnansweredCreates unanswered() {
        return unanswered;
    }

    /**
     * The session timeout the server negotiated: it clamps what we asked for into its
     * minSessionTimeout..maxSessionTimeout. Without a connection yet, it first waits for one as any
     * operation of the client does (its connection timeout and retry policy).
     *
     * @throws LockBackendException when no connection could be had
     */
    Duration timeout() {
        try {
            if (!client.getZookeeperClient().isConnected()) {
                client.checkExists().forPath("/");
            }
            return Duration.ofMillis(client.getZookeeperClient().getZooKeeper().getSessionTimeout());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new LockBackendException("ZooKeeper: could not connect to learn the session timeout the servers grant: "
                    + e, e);
        }
    }

    void enter() {
        inUse.incrementAndGet();
        lastUsedNanos = System.nanoTime();
    }

    void exit() {
        lastUsedNanos = System.nanoTime();
        inUse.decrementAndGet();
    }

    /** Nobody in a call, no pending clean-up, and no use for {@code idle}; the caller knows it holds no node here. */
    boolean idleFor(Duration idle, long nowNanos) {
        return ownsClient && inUse.get() == 0 && unanswered.size() == 0 && nowNanos - lastUsedNanos >= idle.toNanos();
    }

    /**
     * Ends the session (our own client) or leaves the application's client alone.
     *
     * @param wait how long to wait for the server to confirm the end of the session; zero: not at all
     */
    void close(Duration wait) {
        client.getConnectionStateListenable().removeListener(signals);
        unanswered.close(ownsClient);
        if (ownsClient) {
            closeWithin(client, wait); // ends the session: the server deletes all its nodes at once
        }
    }

    /** Closes {@code client} on a thread of its own, waiting for it at most {@code wait}. */
    private static void closeWithin(CuratorFramework client, Duration wait) {
        Thread closer = DaemonThreads.named("distlock-zookeeper-close").newThread(client::close);
        closer.start();
        if (wait.isZero()) {
            return;
        }
        try {
            closer.join(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closer.isAlive()) {
            log.warn("ZooKeeper did not confirm the end of the session within {}; the client goes on closing in the "
                    + "background, and the server deletes our lock nodes when the session expires", wait);
        }
    }
}
