package dev.distlock.redis;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.SubscriptionListener;

import dev.distlock.spi.support.DaemonThreads;
import dev.distlock.spi.support.WaiterRegistry;

/**
 * The one subscription of a {@link RedisLockBackend}: a listener container ({@link ReleaseListening}) on
 * the backend's own release channel, whose messages ({@link ReleaseMessage}: a lock key and the
 * fair queue's head) go to {@link WaiterRegistry}. A release publishes there only while this
 * backend has registered its interest in the key, so it hears only of keys it waits for.
 *
 * <p>Nobody waits for it to start. The first waiter starts it in the background (so that a backend
 * can be built, and a waiter can subscribe, while Redis or its pub/sub connection is down), and
 * while it is not live every waiter is woken every {@link #POLL_WITHOUT_SUBSCRIPTION} to try
 * again: bounded polling instead of a release that nobody hears. A start that has not confirmed
 * the subscription within the start timeout is abandoned and tried again a second later, while
 * waiters remain. Every confirmed (re)subscription re-registers the backend's interests (Redis may
 * have lost them) and wakes every waiter, since releases published before it were not seen.
 *
 * <p>State changes take a {@link ReentrantLock}, never held across a call to Redis, so that no
 * caller (a virtual thread included) blocks behind a subscription that hangs.
 */
final class RedisReleaseSubscriber implements MessageListener, SubscriptionListener, AutoCloseable {

    /** How often waiters retry while no subscription would tell them of a release. */
    static final Duration POLL_WITHOUT_SUBSCRIPTION = Duration.ofMillis(200);
    /** Pause between two start attempts that did not confirm the subscription. */
    static final Duration RETRY_DELAY = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(RedisReleaseSubscriber.class);

    private final RedisConnectionFactory connectionFactory;
    private final String channel;
    private final Duration startTimeout;
    private final WaiterRegistry<String> waiters;
    private final Runnable onSubscribed;
    private final ScheduledExecutorService threads;
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock.
    private ReleaseListening current;
    // Set once this subscriber has heard the confirmation and woken the waiters registered before it.
    private boolean confirmed;
    private boolean starting;
    private long nextStartNanos = System.nanoTime();
    private String notLiveBecause = "not started yet (no waiter so far)";
    private boolean pollingLogged;
    private int failedAttempts;
    private boolean closed;

    /** {@code onSubscribed}: runs on every confirmed (re)subscription, before the waiters are woken; must not block. */
    RedisReleaseSubscriber(RedisConnectionFactory connectionFactory, String channel, Duration startTimeout,
            WaiterRegistry<String> waiters, Runnable onSubscribed) {
        this.connectionFactory = connectionFactory;
        this.channel = channel;
        this.startTimeout = startTimeout;
        this.waiters = waiters;
        this.onSubscribed = onSubscribed;
        // Two threads: one may spend the start timeout in a start attempt, the other keeps polling.
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(2,
                DaemonThreads.named("distlock-redis-release-subscriber"));
        executor.setRemoveOnCancelPolicy(true);
        this.threads = executor;
        long period = POLL_WITHOUT_SUBSCRIPTION.toMillis();
        threads.scheduleWithFixedDelay(this::pollWhileNotLive, period, period, TimeUnit.MILLISECONDS);
    }

    /** True when a release published now reaches this JVM's waiters by message. */
    boolean isLive() {
        lock.lock();
        try {
            return live();
        } finally {
            lock.unlock();
        }
    }

    /** Under lock. */
    private boolean live() {
        return current != null && confirmed && current.container().isListening();
    }

    /**
     * Returns at once. Unless the subscription is live, starts it in the background (at most one
     * attempt at a time, {@link #RETRY_DELAY} apart); meanwhile waiters are polled.
     */
    void startInBackground() {
        lock.lock();
        try {
            if (closed || starting || live() || System.nanoTime() - nextStartNanos < 0) {
                return;
            }
            starting = true;
        } finally {
            lock.unlock();
        }
        try {
            threads.execute(this::attemptStart);
        } catch (RejectedExecutionException e) {
            finishAttempt(false, "the backend is closed");
        }
    }

    /** For health: "live", or why waiters poll. */
    String describe() {
        lock.lock();
        try {
            if (live()) {
                return "live on " + channel;
            }
            String why = starting ? "starting; before: " + notLiveBecause : notLiveBecause;
            return "not live (" + why + "): waiters poll every " + POLL_WITHOUT_SUBSCRIPTION.toMillis() + " ms";
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onMessage(Message message, byte[] pattern) {
        ReleaseMessage release = ReleaseMessage.parse(message.getBody());
        waiters.wakeHead(release.key(), release.head());
    }

    @Override
    public void onChannelSubscribed(byte[] subscribed, long count) {
        // The first subscription or one after a lost connection: releases before it were not seen.
        onSubscribed.run();
        waiters.wakeAll();
        lock.lock();
        try {
            confirmed = true;
            pollingLogged = false;
            failedAttempts = 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        ReleaseListening stopped;
        lock.lock();
        try {
            closed = true;
            stopped = current;
            current = null;
        } finally {
            lock.unlock();
        }
        threads.shutdownNow();
        if (stopped != null) {
            // Off the caller's thread: destroying a subscription whose connection hangs must not hold up shutdown.
            DaemonThreads.named("distlock-redis-release-subscriber-stop").newThread(stopped::stop).start();
        }
    }

    private void attemptStart() {
        ReleaseListening attempt;
        lock.lock();
        try {
            if (closed) {
                starting = false;
                return;
            }
            if (current == null) {
                current = ReleaseListening.on(connectionFactory, channel, this, startTimeout, RETRY_DELAY);
                confirmed = false;
            }
            attempt = current;
        } finally {
            lock.unlock();
        }
        String failure = null;
        try {
            attempt.container().start(); // waits up to startTimeout for the subscription's confirmation
        } catch (RuntimeException e) {
            failure = e.toString();
        }
        if (attempt.container().isListening()) {
            // Live once onChannelSubscribed has woken the waiters that registered before it.
            finishAttempt(true, null);
            return;
        }
        String reason = failure != null ? "subscribing failed: " + failure
                : "no confirmation within " + startTimeout;
        boolean firstFailure;
        lock.lock();
        try {
            if (current == attempt) {
                current = null;
            }
            firstFailure = failedAttempts++ == 0;
        } finally {
            lock.unlock();
        }
        // One WARN per outage, not one a second while Redis is down.
        if (firstFailure) {
            log.warn("The release subscription on Redis channel {} did not start ({}); waiters poll every {} ms "
                    + "and it is retried every {} s", channel, reason, POLL_WITHOUT_SUBSCRIPTION.toMillis(), RETRY_DELAY.toSeconds());
        } else {
            log.debug("The release subscription on Redis channel {} still did not start ({})", channel, reason);
        }
        attempt.stop();
        finishAttempt(false, reason);
    }

    private void finishAttempt(boolean live, String reason) {
        lock.lock();
        try {
            starting = false;
            if (!live) {
                notLiveBecause = reason;
                nextStartNanos = System.nanoTime() + RETRY_DELAY.toNanos();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiter while nothing else would tell them of a release, and keeps the start going. */
    private void pollWhileNotLive() {
        if (waiters.keyCount() == 0 || isLive()) {
            return;
        }
        boolean firstRound;
        String reason;
        lock.lock();
        try {
            firstRound = !pollingLogged;
            pollingLogged = true;
            reason = notLiveBecause;
        } finally {
            lock.unlock();
        }
        if (firstRound && log.isDebugEnabled()) {
            log.debug("No live release subscription on {} ({}): {} waiting keys poll every {} ms until it is live",
                    channel, reason, waiters.keyCount(), POLL_WITHOUT_SUBSCRIPTION.toMillis());
        }
        startInBackground();
        waiters.wakeAll();
    }
}
