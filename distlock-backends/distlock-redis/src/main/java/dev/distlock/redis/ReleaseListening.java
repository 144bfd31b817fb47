package dev.distlock.redis;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

import dev.distlock.spi.support.DaemonThreads;

/**
 * One attempt of a {@link RedisReleaseSubscriber} to listen on its channel: a listener container
 * of its own, whose listener runs on the subscription connection's thread, and the one thread
 * that (re)subscribes it, stopped together.
 */
record ReleaseListening(RedisMessageListenerContainer container, ExecutorService dispatcher) {

    private static final Logger log = LoggerFactory.getLogger(ReleaseListening.class);

    /**
     * A container for {@code listener} on {@code channel}, not started; its start waits up to
     * {@code startTimeout} for the subscription's confirmation, and it recovers a lost connection
     * every {@code recoveryInterval}. A listener that is also a {@code SubscriptionListener} hears
     * each confirmed (re)subscription.
     */
    static ReleaseListening on(RedisConnectionFactory connectionFactory, String channel, MessageListener listener,
                               Duration startTimeout, Duration recoveryInterval) {
        ExecutorService dispatcher = Executors.newSingleThreadExecutor(DaemonThreads.named("distlock-redis-release-dispatch"));
        RedisMessageListenerContainer container = new RedisMessageListenerContainer();
        container.setConnectionFactory(connectionFactory);
        // The listener only wakes waiters (it never blocks): it runs on the connection's own thread, as the
        // message arrives, rather than one thread hop later. The dispatcher runs what may block: (re)subscribing.
        container.setTaskExecutor(Runnable::run);
        container.setSubscriptionExecutor(dispatcher);
        container.setMaxSubscriptionRegistrationWaitingTime(startTimeout.toMillis());
        container.setRecoveryInterval(recoveryInterval.toMillis());
        container.addMessageListener(listener, new ChannelTopic(channel));
        container.afterPropertiesSet();
        return new ReleaseListening(container, dispatcher);
    }

    void stop() {
        try {
            container.destroy();
        } catch (Exception e) {
            log.debug("Stopping the release subscription failed", e);
        }
        dispatcher.shutdownNow();
    }
}
