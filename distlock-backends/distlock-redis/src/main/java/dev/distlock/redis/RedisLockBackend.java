package dev.distlock.redis;

import static dev.distlock.redis.RedisCalls.call;
import static dev.distlock.redis.RedisCalls.millis;
import static dev.distlock.redis.RedisCalls.toResult;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.BackendCapabilities;
import dev.distlock.spi.BackendCapabilities.FencingStrength;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.ReleaseNotifications;
import dev.distlock.spi.support.WaiterRegistry;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.jspecify.annotations.Nullable;

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
 * <p>Waking ({@link ReleaseInterests}): a waiting backend registers its interest in the key; a
 * release publishes only to the backends registered for its key, each on its own channel (sharded,
 * per slot, on a Redis 7 Cluster), naming the fair queue's head so that only it retries.
 *
 * <p>Redis must not evict these keys: see {@link RedisEvictionPolicy}; health reports the policy and
 * {@link #checkEvictionPolicy} is the start-up check.
 *
 * <p>The backend owns only what it creates (a listener container or a sharded pub/sub connection,
 * and its daemon threads); the
 * connection factory stays the application's.
 */
public final class RedisLockBackend implements LockBackend, ReleaseNotifications {

    private static final BackendCapabilities CAPABILITIES = new BackendCapabilities(true, FencingStrength.BEST_EFFORT);

    private final StringRedisTemplate redis;
    private final RedisSettings settings;
    private final ReplicatedGrants grants;
    private final WaiterRegistry<String> waiters = new WaiterRegistry<>();
    private final WaiterEntryKeeper fairQueue;
    private final ReleaseInterests interests;
    private final RedisConnectionFactory connectionFactory;
    // Decided on first use (a Cluster needs per-slot fence counters, and may shard releases); null until then.
    private volatile @Nullable RedisDeployment deployment;
    private final EvictionPolicyGuard evictionGuard = new EvictionPolicyGuard();
    private final RedisHealthProbe healthProbe;

    public RedisLockBackend(RedisConnectionFactory connectionFactory) {
        this(connectionFactory, RedisSettings.defaults());
    }

    public RedisLockBackend(RedisConnectionFactory connectionFactory, RedisSettings settings) {
        this(connectionFactory, settings, ReplicaWait.NONE);
    }

    /** With {@code replicaWait} enabled, every grant waits for replicas; see {@link ReplicaWait}. */
    public RedisLockBackend(RedisConnectionFactory connectionFactory, RedisSettings settings, ReplicaWait replicaWait) {
        this(connectionFactory, connectionFactory, settings, replicaWait);
    }

    /** Tests: the release subscription on its own connection factory, e.g. through a fault proxy. */
    RedisLockBackend(RedisConnectionFactory connectionFactory, RedisConnectionFactory subscriptionFactory,
            RedisSettings settings) {
        this(connectionFactory, subscriptionFactory, settings, ReplicaWait.NONE);
    }

    private RedisLockBackend(RedisConnectionFactory connectionFactory, RedisConnectionFactory subscriptionFactory,
            RedisSettings settings, ReplicaWait replicaWait) {
        this.redis = new StringRedisTemplate(connectionFactory);
        this.connectionFactory = connectionFactory;
        this.settings = settings;
        this.grants = new ReplicatedGrants(redis, replicaWait);
        this.healthProbe = new RedisHealthProbe(redis);
        this.fairQueue = new WaiterEntryKeeper("distlock-redis-fair-queue", settings.queueEntryLifetime(), this::keepQueued);
        this.interests = new ReleaseInterests(redis, connectionFactory, subscriptionFactory, settings, this::deployment,
                waiters);
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
            return grants.grant(request.key(), () -> redis.execute(RedisQueueScripts.FAIR_ACQUIRE,
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
        Long released = call("release", key, () -> redis.execute(RedisQueueScripts.RELEASE_AND_WAKE,
                List.of(keys.lock(), keys.waiters(), keys.queue(), keys.queueDeadlines()), owner,
                deployment().channelSuffix(key), key));
        return released != null && released == 1L;
    }

    @Override
    public void withdraw(String key, String owner) {
        fairQueue.done(key, owner);
        RedisKeyLayout keys = RedisKeyLayout.of(key);
        call("withdraw", key, () -> redis.execute(RedisQueueScripts.WITHDRAW,
                List.of(keys.queue(), keys.queueDeadlines(), keys.waiters(), keys.lock()), owner,
                deployment().channelSuffix(key), key));
    }

    /**
     * Registers this backend's interest in {@code key} on Redis (one round trip), so that its
     * release publishes to this backend; see {@link ReleaseInterests#subscribe}.
     */
    @Override
    public Subscription subscribe(String key, String owner, Runnable onChange) {
        return interests.subscribe(key, owner, fairQueue.isWaiting(key, owner), onChange);
    }

    /** Tests: the channel on which releases that this backend's waiters wait for are published. */
    String releaseChannel() {
        return interests.releaseChannel();
    }

    /** Tests: whether a release published now reaches this backend's waiters by message. */
    boolean releaseSubscriptionLive() {
        return interests.plainSubscriptionLive();
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

    /**
     * Why Redis does not answer now (a PING within {@code wait}), or empty when it does: for a
     * start-up check that tells a TLS failure, which never heals, from a Redis that is down.
     */
    public Optional<Throwable> connectionFailure(Duration wait) {
        return healthProbe.connectionFailure(wait);
    }

    @Override
    public BackendHealth health() {
        return healthProbe.health(settings.operationTimeout(), evictionGuard, () -> {
            Map<String, Object> waiting = new LinkedHashMap<>();
            waiting.put("releaseSubscription", interests.describe());
            waiting.put("waitingKeys", waiters.keyCount());
            waiting.put("fairWaiters", fairQueue.size());
            return waiting;
        });
    }

    @Override
    public void close() {
        fairQueue.close();
        interests.close();
        healthProbe.close();
    }

    /** Asked of Redis once; throws the template's DataAccessException while Redis is down. */
    RedisDeployment deployment() {
        RedisDeployment known = deployment;
        if (known == null) {
            known = RedisDeployment.detect(redis, connectionFactory, settings.releaseChannel());
            deployment = known;
        }
        return known;
    }

    private boolean keepQueued(String key, String owner) {
        RedisKeyLayout keys = RedisKeyLayout.of(key);
        Long queued = redis.execute(RedisQueueScripts.KEEP_QUEUED, List.of(keys.queue(), keys.queueDeadlines()),
                owner, millis(settings.queueEntryLifetime()));
        return queued != null && queued == 1L;
    }
}
