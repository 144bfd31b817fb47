package dev.distlock.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.SubscriptionListener;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * The one subscription of a {@link RedisLockBackend}: a {@link RedisMessageListenerContainer} on
 * the release channel, whose messages (lock keys) go to {@link ReleaseWaiters}. Started on the
 * first waiter, not at construction, so that a backend can be built while Redis is still down.
 * The container re-subscribes by itself after a lost connection; since releases published in
 * the gap are lost, every waiter is woken once the subscription is back.
 */
final class RedisReleaseSubscriber implements MessageListener, SubscriptionListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisReleaseSubscriber.class);

    private final RedisConnectionFactory connectionFactory;
    private final String channel;
    private final Duration startTimeout;
    private final ReleaseWaiters waiters;
    private RedisMessageListenerContainer container;
    private ExecutorService dispatcher;
    private volatile boolean subscribedOnce;
    private boolean closed;

    RedisReleaseSubscriber(RedisConnectionFactory connectionFactory, String channel, Duration startTimeout,
            ReleaseWaiters waiters) {
        this.connectionFactory = connectionFactory;
        this.channel = channel;
        this.startTimeout = startTimeout;
        this.waiters = waiters;
    }

    /**
     * Makes sure the subscription is active, so that a release published after this returns is
     * seen. Returns false (and the engine falls back to polling) when Redis cannot be reached now.
     */
    synchronized boolean ensureListening() {
        if (closed) {
            return false;
        }
        if (container != null && container.isListening()) {
            return true;
        }
        if (container == null) {
            container = newContainer();
        }
        try {
            container.start();
        } catch (RuntimeException e) {
            log.warn("Could not subscribe to {}; waiters poll until it succeeds: {}", channel, e.toString());
            stopContainer();
            return false;
        }
        return container.isListening();
    }

    @Override
    public void onMessage(Message message, byte[] pattern) {
        waiters.keyMayBeFree(new String(message.getBody(), StandardCharsets.UTF_8));
    }

    @Override
    public void onChannelSubscribed(byte[] channel, long count) {
        if (subscribedOnce) {
            // A re-subscription after a lost connection: releases in the gap were not seen.
            waiters.everyKeyMayBeFree();
        }
        subscribedOnce = true;
    }

    @Override
    public synchronized void close() {
        closed = true;
        stopContainer();
    }

    private RedisMessageListenerContainer newContainer() {
        dispatcher = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "distlock-redis-release-dispatch");
            thread.setDaemon(true);
            return thread;
        });
        RedisMessageListenerContainer created = new RedisMessageListenerContainer();
        created.setConnectionFactory(connectionFactory);
        created.setTaskExecutor(dispatcher);
        created.setMaxSubscriptionRegistrationWaitingTime(startTimeout.toMillis());
        created.setRecoveryInterval(1000);
        created.addMessageListener(this, new ChannelTopic(channel));
        created.afterPropertiesSet();
        return created;
    }

    private void stopContainer() {
        if (container == null) {
            return;
        }
        try {
            container.destroy();
        } catch (Exception e) {
            log.debug("Stopping the release subscription failed", e);
        }
        dispatcher.shutdownNow();
        container = null;
    }
}
