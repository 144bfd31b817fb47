package dev.distlock.redis;

import static dev.distlock.redis.RedisCalls.abbreviate;
import static dev.distlock.redis.RedisCalls.call;
import static dev.distlock.redis.RedisCalls.millis;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.ReleaseNotifications.Subscription;
import dev.distlock.spi.support.WaiterRegistry;
import io.lettuce.core.cluster.RedisClusterClient;

/**
 * The waiting side of a {@link RedisLockBackend}: its interest in the releases of the keys its
 * waiters wait for, registered in each key's waiter set ({@link RedisQueueScripts#AWAIT_RELEASE_LUA},
 * kept alive by a {@link WaiterEntryKeeper}, withdrawn when the key's last local waiter leaves),
 * and the subscription that hears them: one channel of its own, {@code <release channel>:<random
 * id>} ({@link RedisReleaseSubscriber}), or on a Redis 7 Cluster one sharded channel per slot
 * waited in ({@link ShardedReleaseSubscriber}).
 */
final class ReleaseInterests implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReleaseInterests.class);

    private final StringRedisTemplate redis;
    private final RedisConnectionFactory connectionFactory;
    private final RedisSettings settings;
    private final Supplier<RedisDeployment> deployment;
    private final WaiterRegistry<String> waiters;
    private final String subscriberId = UUID.randomUUID().toString();
    private final WaiterEntryKeeper keeper;
    private final RedisReleaseSubscriber subscriber;
    private final AtomicReference<ShardedReleaseSubscriber> sharded = new AtomicReference<>();

    /** {@code deployment} may throw the template's DataAccessException while Redis is down. */
    ReleaseInterests(StringRedisTemplate redis, RedisConnectionFactory connectionFactory,
            RedisConnectionFactory subscriptionFactory, RedisSettings settings, Supplier<RedisDeployment> deployment,
            WaiterRegistry<String> waiters) {
        this.redis = redis;
        this.connectionFactory = connectionFactory;
        this.settings = settings;
        this.deployment = deployment;
        this.waiters = waiters;
        this.keeper = new WaiterEntryKeeper("distlock-redis-release-interest", settings.queueEntryLifetime(),
                this::keepInterest);
        this.subscriber = new RedisReleaseSubscriber(subscriptionFactory, releaseChannel(), settings.operationTimeout(),
                waiters, keeper::refreshSoon);
    }

    /**
     * Registers this backend's interest in {@code key} on Redis (one round trip), so that its
     * release publishes to this backend; a {@code queued} (fair) waiter is then woken only when it is
     * first in line. On a sharded Cluster the slot's channel is subscribed before this returns.
     * When the release subscription is live, a release after this returns wakes {@code onChange}.
     * When it is not (not started yet, or its pub/sub connection down), it is started in the
     * background and meanwhile {@code onChange} is called every
     * {@link RedisReleaseSubscriber#POLL_WITHOUT_SUBSCRIPTION} (bounded polling), and once more when
     * the subscription is confirmed: no release goes unnoticed for longer than that.
     */
    Subscription subscribe(String key, String owner, boolean queued, Runnable onChange) {
        ShardedReleaseSubscriber shardedSubscriber = call("subscribe to", key, deployment::get) == RedisDeployment.CLUSTER_SHARDED
                ? shardedSubscriber() : null;
        Subscription local = waiters.add(key, queued ? owner : null, onChange);
        int slot = RedisDeployment.slotOf(key);
        try {
            if (shardedSubscriber != null) {
                shardedSubscriber.listen(slot);
            }
            try {
                awaitRelease(key);
            } catch (RuntimeException e) {
                if (shardedSubscriber != null) {
                    shardedSubscriber.unlisten(slot);
                }
                throw e;
            }
        } catch (RuntimeException e) {
            local.close();
            throw e;
        }
        keeper.waiting(key, subscriberId);
        Subscription subscription = new Subscription() {
            private final AtomicBoolean closed = new AtomicBoolean();

            @Override
            public void close() {
                if (closed.compareAndSet(false, true)) {
                    local.close();
                    withdrawInterest(key);
                    if (shardedSubscriber != null) {
                        shardedSubscriber.unlisten(slot);
                    }
                }
            }
        };
        if (shardedSubscriber != null) {
            return subscription; // confirmed by listen: nothing to start, nothing to poll
        }
        if (!subscriber.isLive()) {
            subscriber.startInBackground();
            if (log.isDebugEnabled()) {
                log.debug("Waiter of lock '{}' has no live release subscription ({}); it is woken to poll until there is one",
                        abbreviate(key), subscriber.describe());
            }
        }
        return subscription;
    }

    /** This backend's plain channel; sharded channels add the slot's tag to it. */
    String releaseChannel() {
        return settings.releaseChannel() + ":" + subscriberId;
    }

    /** Whether a plain release published now reaches the waiters by message. */
    boolean plainSubscriptionLive() {
        return subscriber.isLive();
    }

    /** Tests: returns once every interest refresh started or queued before this call has run. */
    void awaitRefreshes() {
        keeper.awaitRefreshes();
    }

    /** For health. */
    String describe() {
        ShardedReleaseSubscriber shardedSubscriber = sharded.get();
        return shardedSubscriber != null ? shardedSubscriber.describe() : subscriber.describe();
    }

    @Override
    public void close() {
        keeper.close();
        subscriber.close();
        ShardedReleaseSubscriber shardedSubscriber = sharded.getAndSet(null);
        if (shardedSubscriber != null) {
            shardedSubscriber.close();
        }
    }

    /** A round trip: after it, a release of {@code key} publishes to this backend. */
    private void awaitRelease(String key) {
        call("subscribe to", key, () -> redis.execute(RedisQueueScripts.AWAIT_RELEASE,
                List.of(RedisKeyLayout.of(key).waiters()), interestMember(), millis(settings.queueEntryLifetime())));
    }

    private boolean keepInterest(String key, String subscriber) {
        if (!waiters.hasWaiters(key)) {
            return false;
        }
        awaitRelease(key);
        if (!waiters.hasWaiters(key)) {
            // The last waiter left while this ran: its withdrawal may have come before our ZADD, so withdraw again.
            withdrawInterest(key);
        }
        return true;
    }

    /**
     * The last local waiter of {@code key} left: releases need not publish here any more. A waiter
     * that subscribed meanwhile is registered again, and in any case the keeper re-registers it
     * within a third of the entry lifetime.
     */
    private void withdrawInterest(String key) {
        if (waiters.hasWaiters(key)) {
            return;
        }
        keeper.done(key, subscriberId);
        try {
            call("unsubscribe from", key, () -> redis.opsForZSet().remove(RedisKeyLayout.of(key).waiters(), interestMember()));
            if (waiters.hasWaiters(key)) {
                awaitRelease(key);
                keeper.waiting(key, subscriberId);
            }
        } catch (RuntimeException e) {
            log.debug("Could not withdraw the release interest in lock '{}'; it expires on the server: {}",
                    abbreviate(key), e.toString());
        }
    }

    /** Made on the first sharded waiter; a second one made meanwhile is closed again. */
    private ShardedReleaseSubscriber shardedSubscriber() {
        ShardedReleaseSubscriber existing = sharded.get();
        if (existing != null) {
            return existing;
        }
        RedisClusterClient client = (RedisClusterClient) ((LettuceConnectionFactory) connectionFactory).getNativeClient();
        ShardedReleaseSubscriber made;
        try {
            made = new ShardedReleaseSubscriber(client, releaseChannel(), settings.operationTimeout(), waiters,
                    keeper::refreshSoon);
        } catch (RuntimeException e) {
            // A "no subscription" the engine understands: it polls instead.
            throw new LockBackendException("Could not open the sharded release subscription on Redis Cluster: " + e, e);
        }
        if (sharded.compareAndSet(null, made)) {
            return made;
        }
        made.close();
        return sharded.get();
    }

    /** How this backend's interest in a key reads in the waiter set: its channel and whether it is sharded. */
    private String interestMember() {
        return (deployment.get() == RedisDeployment.CLUSTER_SHARDED ? "S:" : "P:") + releaseChannel();
    }
}
