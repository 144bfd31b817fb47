package dev.distlock.redis;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.BackendCapabilities;
import dev.distlock.spi.BackendCapabilities.FencingStrength;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.ReleaseNotifications;
import io.lettuce.core.cluster.RedisClusterClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Locks on one Redis deployment reached through the application's {@link RedisConnectionFactory}:
 * a single node, a Sentinel-managed primary or a Cluster (every script touches one hash slot, see
 * {@link RedisKeyLayout}). Each operation is one script, run by SHA and reloaded on NOSCRIPT by
 * spring-data-redis's script executor; see {@link RedisLockScripts} for the protocol.
 *
 * <p>Fencing tokens come from one counter per Redis (per hash slot on a Cluster), shared by every
 * key that maps to it and never reset: each grant's token is larger than every token that counter
 * issued before, so tokens strictly grow per key (with gaps), and nothing per key outlives a
 * release. They are {@link FencingStrength#BEST_EFFORT}: a Redis that restarts without persistence,
 * or a replica promoted before it received the last INCR, issues a token again.
 *
 * <p>Waking: a waiting backend registers its interest in the key ({@link RedisKeyLayout#waiters},
 * kept alive by a {@link WaiterEntryKeeper}); a release publishes only to the backends registered
 * for its key, each on its own channel, naming the fair queue's head so that only it retries.
 *
 * <p>Redis must not evict these keys: see {@link RedisEvictionPolicy}; health reports the policy and
 * {@link #checkEvictionPolicy} is the start-up check.
 *
 * <p>The backend owns only what it creates (a listener container and its daemon threads); the
 * connection factory stays the application's.
 */
public final class RedisLockBackend implements LockBackend, ReleaseNotifications {

    private static final Logger log = LoggerFactory.getLogger(RedisLockBackend.class);
    private static final BackendCapabilities CAPABILITIES = new BackendCapabilities(true, FencingStrength.BEST_EFFORT);

    private final StringRedisTemplate redis;
    private final RedisLockSettings settings;
    private final ReplicatedGrants grants;
    private final ReleaseWaiters waiters = new ReleaseWaiters();
    private final String subscriberId = UUID.randomUUID().toString();
    private final RedisReleaseSubscriber subscriber;
    private final WaiterEntryKeeper fairQueue;
    private final WaiterEntryKeeper interests;
    private final RedisConnectionFactory connectionFactory;
    // Decided on first use (a Cluster needs per-slot fence counters, and may shard releases); null until then.
    private volatile RedisDeployment deployment;
    private final AtomicReference<ShardedReleaseSubscriber> sharded = new AtomicReference<>();
    private final EvictionPolicyGuard evictionGuard = new EvictionPolicyGuard();
    private final RedisHealthProbe healthProbe;

    public RedisLockBackend(RedisConnectionFactory connectionFactory) {
        this(connectionFactory, RedisLockSettings.defaults());
    }

    public RedisLockBackend(RedisConnectionFactory connectionFactory, RedisLockSettings settings) {
        this(connectionFactory, settings, ReplicaWait.NONE);
    }

    /** With {@code replicaWait} enabled, every grant waits for replicas; see {@link ReplicaWait}. */
    public RedisLockBackend(RedisConnectionFactory connectionFactory, RedisLockSettings settings, ReplicaWait replicaWait) {
        this(connectionFactory, connectionFactory, settings, replicaWait);
    }

    /** Tests: the release subscription on its own connection factory, e.g. through a fault proxy. */
    RedisLockBackend(RedisConnectionFactory connectionFactory, RedisConnectionFactory subscriptionFactory,
            RedisLockSettings settings) {
        this(connectionFactory, subscriptionFactory, settings, ReplicaWait.NONE);
    }

    private RedisLockBackend(RedisConnectionFactory connectionFactory, RedisConnectionFactory subscriptionFactory,
            RedisLockSettings settings, ReplicaWait replicaWait) {
        this.redis = new StringRedisTemplate(connectionFactory);
        this.connectionFactory = connectionFactory;
        this.settings = settings;
        this.grants = new ReplicatedGrants(redis, replicaWait);
        this.healthProbe = new RedisHealthProbe(redis);
        this.fairQueue = new WaiterEntryKeeper("distlock-redis-fair-queue", settings.queueEntryLifetime(), this::keepQueued);
        this.interests = new WaiterEntryKeeper("distlock-redis-release-interest", settings.queueEntryLifetime(),
                this::keepInterest);
        this.subscriber = new RedisReleaseSubscriber(subscriptionFactory, channelPrefix() + subscriberId,
                settings.operationTimeout(), waiters, interests::refreshSoon);
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public BackendCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public AcquireResult tryAcquire(AcquireRequest request) {
        String lease = millis(request.ttl());
        Runnable undo = () -> release(request.key(), request.owner());
        if (!request.fair()) {
            return toResult(call("acquire", request.key(), () -> {
                RedisKeyLayout keys = deployment().layout(request.key());
                return grants.grant(request.key(), () -> redis.execute(RedisLockScripts.ACQUIRE,
                        List.of(keys.lock(), keys.fence(), keys.replacedFence()), request.owner(), lease), undo);
            }));
        }
        List<Long> reply = call("acquire (fair)", request.key(), () -> {
            RedisKeyLayout keys = deployment().layout(request.key());
            String suffix = deployment().channelSuffix(request.key());
            return grants.grant(request.key(), () -> redis.execute(RedisLockScripts.FAIR_ACQUIRE,
                    List.of(keys.lock(), keys.fence(), keys.replacedFence(), keys.queue(), keys.queueDeadlines(), keys.waiters()),
                    request.owner(), lease, millis(settings.queueEntryLifetime()), suffix, request.key()), undo);
        });
        AcquireResult result = toResult(reply);
        if (result instanceof AcquireResult.Granted) {
            fairQueue.done(request.key(), request.owner());
        } else {
            fairQueue.waiting(request.key(), request.owner());
        }
        return result;
    }

    @Override
    public boolean renew(String key, String owner, Duration ttl) {
        Long renewed = call("renew", key, () -> redis.execute(RedisLockScripts.RENEW,
                List.of(RedisKeyLayout.of(key).lock()), owner, millis(ttl)));
        return renewed != null && renewed == 1L;
    }

    @Override
    public boolean release(String key, String owner) {
        RedisKeyLayout keys = RedisKeyLayout.of(key);
        Long released = call("release", key, () -> redis.execute(RedisLockScripts.RELEASE_AND_WAKE,
                List.of(keys.lock(), keys.waiters(), keys.queue(), keys.queueDeadlines()), owner,
                deployment().channelSuffix(key), key));
        return released != null && released == 1L;
    }

    @Override
    public void withdraw(String key, String owner) {
        fairQueue.done(key, owner);
        RedisKeyLayout keys = RedisKeyLayout.of(key);
        call("withdraw", key, () -> redis.execute(RedisLockScripts.WITHDRAW,
                List.of(keys.queue(), keys.queueDeadlines(), keys.waiters(), keys.lock()), owner,
                deployment().channelSuffix(key), key));
    }

    /**
     * Registers this backend's interest in {@code key} on Redis (one round trip), so that its
     * release publishes to this backend; a fair waiter is then woken only when it is first in line.
     * When the release subscription is live, a release after this returns wakes {@code onChange}.
     * When it is not (not started yet, or its pub/sub connection down), it is started in the
     * background and meanwhile {@code onChange} is called every
     * {@link RedisReleaseSubscriber#POLL_WITHOUT_SUBSCRIPTION} (bounded polling), and once more when
     * the subscription is confirmed: no release goes unnoticed for longer than that.
     */
    @Override
    public Subscription subscribe(String key, String owner, Runnable onChange) {
        ShardedReleaseSubscriber shardedSubscriber = call("subscribe to", key, () -> deployment()) == RedisDeployment.CLUSTER_SHARDED
                ? shardedSubscriber() : null;
        Subscription local = waiters.add(key, owner, fairQueue.isWaiting(key, owner), onChange);
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
        interests.waiting(key, subscriberId);
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

    /** Tests: the channel on which releases that this backend's waiters wait for are published. */
    String releaseChannel() {
        return channelPrefix() + subscriberId;
    }

    /** Tests: whether a release published now reaches this backend's waiters by message. */
    boolean releaseSubscriptionLive() {
        return subscriber.isLive();
    }

    /**
     * Reads {@code maxmemory-policy} and acts on it as {@code check} says: fails with
     * {@link RedisEvictionPolicyException} or logs a WARN when Redis may evict distlock's keys, and
     * logs a WARN when the policy cannot be read. Waits at most {@code wait} for Redis.
     */
    public RedisEvictionPolicy checkEvictionPolicy(EvictionPolicyCheck check, Duration wait) {
        RedisEvictionPolicy policy = evictionPolicy(wait);
        evictionGuard.atStartUp(policy, check);
        return policy;
    }

    /** Redis's eviction policy as it is now, waiting at most {@code wait}; never throws. */
    public RedisEvictionPolicy evictionPolicy(Duration wait) {
        return healthProbe.evictionPolicy(wait);
    }

    @Override
    public BackendHealth health() {
        try {
            RedisHealthProbe.Answer answer = healthProbe.probe(settings.operationTimeout());
            evictionGuard.seen(answer.eviction());
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("mode", "single");
            details.put("ping", String.valueOf(answer.pong()));
            details.put("pingMillis", answer.millis());
            details.put("maxmemoryPolicy", answer.eviction().policy());
            details.put("maxmemory", answer.eviction().maxmemory());
            details.put("eviction", answer.eviction().consequence());
            ShardedReleaseSubscriber shardedSubscriber = sharded.get();
            details.put("releaseSubscription", shardedSubscriber != null ? shardedSubscriber.describe() : subscriber.describe());
            details.put("waitingKeys", waiters.keyCount());
            details.put("fairWaiters", fairQueue.size());
            return BackendHealth.up(details);
        } catch (TimeoutException e) {
            return BackendHealth.down("Redis did not answer PING within " + settings.operationTimeout(),
                    Map.of("mode", "single"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return BackendHealth.down("Interrupted while asking Redis", Map.of("mode", "single"));
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return BackendHealth.down("Redis PING failed: " + cause, Map.of("mode", "single"));
        }
    }

    @Override
    public void close() {
        fairQueue.close();
        interests.close();
        subscriber.close();
        ShardedReleaseSubscriber shardedSubscriber = sharded.getAndSet(null);
        if (shardedSubscriber != null) {
            shardedSubscriber.close();
        }
        healthProbe.close();
    }

    /** A round trip: after it, a release of {@code key} publishes to this backend. */
    private void awaitRelease(String key) {
        call("subscribe to", key, () -> redis.execute(RedisLockScripts.AWAIT_RELEASE,
                List.of(RedisKeyLayout.of(key).waiters()), interestMember(), millis(settings.queueEntryLifetime())));
    }

    private boolean keepInterest(String key, String subscriber) {
        if (!waiters.hasWaiters(key)) {
            return false;
        }
        awaitRelease(key);
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
        interests.done(key, subscriberId);
        try {
            call("unsubscribe from", key, () -> redis.opsForZSet().remove(RedisKeyLayout.of(key).waiters(), interestMember()));
            if (waiters.hasWaiters(key)) {
                awaitRelease(key);
                interests.waiting(key, subscriberId);
            }
        } catch (RuntimeException e) {
            log.debug("Could not withdraw the release interest in lock '{}'; it expires on the server: {}",
                    abbreviate(key), e.toString());
        }
    }

    /** Asked of Redis once; throws the template's DataAccessException while Redis is down. */
    private RedisDeployment deployment() {
        RedisDeployment known = deployment;
        if (known == null) {
            known = RedisDeployment.detect(redis, connectionFactory, settings.releaseChannel());
            deployment = known;
        }
        return known;
    }

    /** Made on the first sharded waiter; a second one made meanwhile is closed again. */
    private ShardedReleaseSubscriber shardedSubscriber() {
        ShardedReleaseSubscriber existing = sharded.get();
        if (existing != null) {
            return existing;
        }
        RedisClusterClient client = (RedisClusterClient) ((LettuceConnectionFactory) connectionFactory).getNativeClient();
        ShardedReleaseSubscriber made = new ShardedReleaseSubscriber(client, releaseChannel(), settings.operationTimeout(),
                waiters, interests::refreshSoon);
        if (sharded.compareAndSet(null, made)) {
            return made;
        }
        made.close();
        return sharded.get();
    }

    /** How this backend's interest in a key reads in the waiter set: its channel and whether it is sharded. */
    private String interestMember() {
        return (deployment() == RedisDeployment.CLUSTER_SHARDED ? "S:" : "P:") + releaseChannel();
    }

    /** Each backend's channel is the prefix and its subscriber id. */
    private String channelPrefix() {
        return settings.releaseChannel() + ":";
    }

    private boolean keepQueued(String key, String owner) {
        RedisKeyLayout keys = RedisKeyLayout.of(key);
        Long queued = redis.execute(RedisLockScripts.KEEP_QUEUED, List.of(keys.queue(), keys.queueDeadlines()),
                owner, millis(settings.queueEntryLifetime()));
        return queued != null && queued == 1L;
    }

    /** Script replies {1, token} and {0, pttl}; see {@link RedisLockScripts#ACQUIRE_LUA}. */
    static AcquireResult toResult(List<Long> reply) {
        if (reply == null || reply.size() != 2) {
            throw new LockBackendException("Unexpected reply from the acquire script: " + reply);
        }
        if (reply.get(0) == 1L) {
            return AcquireResult.granted(reply.get(1));
        }
        long pttl = reply.get(1);
        return pttl > 0 ? AcquireResult.denied(Duration.ofMillis(pttl)) : AcquireResult.denied();
    }

    /** PX takes whole milliseconds of at least 1 (0 would delete the key outright). */
    static String millis(Duration duration) {
        return Long.toString(Math.max(1, duration.toMillis()));
    }

    private static <T> T call(String operation, String key, Supplier<T> command) {
        try {
            return command.get();
        } catch (DataAccessException e) {
            throw new LockBackendException("Redis " + operation + " of '" + abbreviate(key) + "' failed: "
                    + e.getMessage(), e);
        }
    }

    static String abbreviate(String key) {
        return key.length() <= 120 ? key : key.substring(0, 120) + "...(" + key.length() + " chars)";
    }
}
