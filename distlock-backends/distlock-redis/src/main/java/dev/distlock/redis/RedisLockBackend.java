package dev.distlock.redis;

import static dev.distlock.redis.RedisCalls.call;
import static dev.distlock.redis.RedisCalls.toResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.BackendCapabilities;
import dev.distlock.spi.BackendCapabilities.FencingStrength;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.DispatchingBackend;
import dev.distlock.spi.KeyHandOver;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.ReleaseNotifications;
import dev.distlock.spi.ReleaseOutcome;
import dev.distlock.spi.RenewRequest;
import dev.distlock.spi.RenewResult;
import dev.distlock.spi.support.WaiterRegistry;
import org.springframework.data.redis.connection.ClusterSlotHashUtil;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.jspecify.annotations.Nullable;

/**
 * Locks on one Redis deployment reached through the application's {@link RedisConnectionFactory}:
 * a single node, a Sentinel-managed primary or a Cluster (every script touches one hash slot, see
 * {@link RedisKeyLayout}). Each operation is one script, run by SHA and reloaded on NOSCRIPT, on the
 * factory's native Lettuce connection with its keys encoded once ({@link RedisScriptCalls}); see
 * {@link RedisLockScripts} for the protocol. {@link #renewAll} renews up to
 * {@link RenewBatch#MAX_LEASES} leases per script, all scripts of a batch pipelined.
 *
 * <p>An uncontended acquire and a release are also sent without blocking ({@link DispatchingBackend}),
 * so that the engine waits for them on the caller's thread rather than hand them to a store-call
 * thread; see {@link #dispatchAcquire} for when they are not.
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
public final class RedisLockBackend implements LockBackend, ReleaseNotifications, KeyHandOver, DispatchingBackend {

    private static final BackendCapabilities CAPABILITIES = new BackendCapabilities(true, FencingStrength.BEST_EFFORT);

    /** How renewAll encodes its calls on the connection factory's connection. */
    private static final RenewBatch.Encoding<byte[]> ENCODED = new RenewBatch.Encoding<>(
            key -> new EncodedKeyLayout(key).lock(), EncodedKeyLayout::utf8, RedisCalls::millisBytes, byte[][]::new);

    private final StringRedisTemplate redis;
    private final RedisScriptCalls scripts;
    private final RedisScriptCalls templateScripts;
    private final RedisSettings settings;
    private final ReplicatedGrants grants;
    private final WaiterRegistry<String> waiters = new WaiterRegistry<>();
    private final RedisFairQueue fairQueue;
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
        this.scripts = RedisScriptCalls.on(connectionFactory);
        // WAIT must follow the grant on the connection that the template's session binds.
        this.templateScripts = new TemplateScriptCalls(connectionFactory);
        this.connectionFactory = connectionFactory;
        this.settings = settings;
        this.grants = new ReplicatedGrants(redis, replicaWait);
        this.healthProbe = new RedisHealthProbe(redis);
        this.fairQueue = new RedisFairQueue(scripts, settings, this::grant, this::deployment);
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
        if (request.fair()) {
            return fairQueue.tryAcquire(request);
        }
        String key = request.key();
        RedisDeployment deployment = deployment("acquire", key);
        return toResult(grant(request, LettuceScript.ACQUIRE, "acquire", acquireKeys(new EncodedKeyLayout(key), deployment),
                new byte[][] {EncodedKeyLayout.utf8(request.owner()), RedisCalls.millisBytes(request.ttl())}));
    }

    /**
     * One {@link RedisLockScripts#HAND_OVER_LUA}; with replica waiting, a release and then the next
     * owner's {@link #tryAcquire}, whose grant waits for the replicas as every grant does.
     */
    @Override
    public AcquireResult handOver(String key, String owner, AcquireRequest next) {
        if (grants.waitsForReplicas()) {
            release(key, owner);
            return tryAcquire(next);
        }
        EncodedKeyLayout keys = new EncodedKeyLayout(key);
        RedisDeployment deployment = deployment("hand over", key);
        return toResult(scripts.run("hand over", key, LettuceScript.HAND_OVER, acquireKeys(keys, deployment),
                handOverArgs(owner, next)));
    }

    /**
     * {@link #tryAcquire}'s script, sent without blocking, once the deployment is known to be a single
     * Redis (or a Sentinel's primary) and the shared connection is open. Not for a fair request (its
     * queue entry is kept on a thread of its own), a grant that waits for replicas (WAIT holds the
     * connection) or a Cluster (whose routing may open node connections): those go through
     * {@link #tryAcquire} on a store-call thread.
     */
    @Override
    public @Nullable CompletableFuture<AcquireResult> dispatchAcquire(AcquireRequest request) {
        if (request.fair() || grants.waitsForReplicas() || deployment != RedisDeployment.SINGLE) {
            return null;
        }
        EncodedKeyLayout keys = new EncodedKeyLayout(request.key());
        return scripts.dispatch("acquire", request.key(), LettuceScript.ACQUIRE,
                acquireKeys(keys, RedisDeployment.SINGLE),
                new byte[][] {EncodedKeyLayout.utf8(request.owner()), RedisCalls.millisBytes(request.ttl())},
                RedisCalls::toResult);
    }

    /** {@link #handOver}'s script, sent without blocking, on the terms of {@link #dispatchAcquire}. */
    @Override
    public @Nullable CompletableFuture<AcquireResult> dispatchHandOver(String key, String owner, AcquireRequest next) {
        if (grants.waitsForReplicas() || deployment != RedisDeployment.SINGLE) {
            return null;
        }
        EncodedKeyLayout keys = new EncodedKeyLayout(key);
        return scripts.dispatch("hand over", key, LettuceScript.HAND_OVER, acquireKeys(keys, RedisDeployment.SINGLE),
                handOverArgs(owner, next), RedisCalls::toResult);
    }

    private static byte[][] handOverArgs(String owner, AcquireRequest next) {
        return new byte[][] {EncodedKeyLayout.utf8(owner), EncodedKeyLayout.utf8(next.owner()), RedisCalls.millisBytes(next.ttl())};
    }

    private static byte[][] acquireKeys(EncodedKeyLayout keys, RedisDeployment deployment) {
        return new byte[][] {keys.lock(), deployment.fence(keys), keys.replacedFence()};
    }

    /** The grant script's {1, token} or {0, pttl}; with replica waiting, WAIT after a grant (see {@link ReplicatedGrants}). */
    private List<Long> grant(AcquireRequest request, LettuceScript script, String operation, byte[][] keys, byte[][] args) {
        if (!grants.waitsForReplicas()) {
            return scripts.run(operation, request.key(), script, keys, args);
        }
        return call(operation, request.key(), () -> grants.grant(request.key(),
                () -> templateScripts.run(operation, request.key(), script, keys, args),
                () -> release(request.key(), request.owner())));
    }

    @Override
    public boolean renew(String key, String owner, Duration ttl) {
        Long renewed = scripts.run("renew", key, LettuceScript.RENEW, new byte[][] {new EncodedKeyLayout(key).lock()},
                new byte[][] {EncodedKeyLayout.utf8(owner), RedisCalls.millisBytes(ttl)});
        return isOne(renewed);
    }

    /**
     * One {@link RedisLockScripts#RENEW_ALL_LUA} per {@link RenewBatch#MAX_LEASES} leases (per hash slot
     * on a Cluster), all sent before the first answer is awaited.
     */
    @Override
    public List<RenewResult> renewAll(List<RenewRequest> requests) {
        if (requests.isEmpty()) {
            return List.of();
        }
        String what = requests.size() + " keys";
        RedisDeployment deployment = deployment("renew", what);
        List<RenewBatch<byte[]>> batches = RenewBatch.cut(requests, ENCODED,
                deployment == RedisDeployment.SINGLE ? null : ClusterSlotHashUtil::calculateSlot);
        List<byte[][]> keys = new ArrayList<>(batches.size());
        List<byte[][]> args = new ArrayList<>(batches.size());
        for (RenewBatch<byte[]> batch : batches) {
            keys.add(batch.keys());
            args.add(batch.args());
        }
        List<List<?>> replies = scripts.runAll("renew", what, LettuceScript.RENEW_ALL, keys, args);
        RenewResult[] results = new RenewResult[requests.size()];
        for (int i = 0; i < batches.size(); i++) {
            batches.get(i).answer(replies.get(i), results, "Redis");
        }
        return Arrays.asList(results);
    }

    @Override
    public boolean release(String key, String owner) {
        EncodedKeyLayout keys = new EncodedKeyLayout(key);
        RedisDeployment deployment = deployment("release", key);
        Long released = scripts.run("release", key, LettuceScript.RELEASE_AND_WAKE, releaseKeys(keys),
                releaseArgs(keys, owner, deployment));
        return isOne(released);
    }

    /** {@link #release}'s script, sent without blocking, on the terms of {@link #dispatchAcquire}. */
    @Override
    public @Nullable CompletableFuture<ReleaseOutcome> dispatchRelease(String key, String owner) {
        if (deployment != RedisDeployment.SINGLE) {
            return null;
        }
        EncodedKeyLayout keys = new EncodedKeyLayout(key);
        return scripts.dispatch("release", key, LettuceScript.RELEASE_AND_WAKE, releaseKeys(keys),
                releaseArgs(keys, owner, RedisDeployment.SINGLE), (@Nullable Long released) -> ReleaseOutcome.of(isOne(released)));
    }

    private static byte[][] releaseKeys(EncodedKeyLayout keys) {
        return new byte[][] {keys.lock(), keys.waiters(), keys.queue(), keys.queueDeadlines()};
    }

    private static byte[][] releaseArgs(EncodedKeyLayout keys, String owner, RedisDeployment deployment) {
        return new byte[][] {EncodedKeyLayout.utf8(owner), deployment.channelSuffix(keys), keys.key()};
    }

    private static boolean isOne(@Nullable Long reply) {
        return reply != null && reply == 1L;
    }

    @Override
    public void withdraw(String key, String owner) {
        fairQueue.withdraw(key, owner);
    }

    /**
     * Registers this backend's interest in {@code key} on Redis (one round trip), so that its
     * release publishes to this backend; see {@link ReleaseInterests#subscribe}.
     */
    @Override
    public Subscription subscribe(String key, String owner, Runnable onChange) {
        return interests.subscribe(key, owner, fairQueue.isQueued(key, owner), onChange);
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
            waiting.put("fairWaiters", fairQueue.queuedOwners());
            return waiting;
        });
    }

    @Override
    public void close() {
        fairQueue.close();
        interests.close();
        healthProbe.close();
    }

    /** {@link #deployment()}, a failure to find it out being one of {@code operation}'s. */
    private RedisDeployment deployment(String operation, String key) {
        RedisDeployment known = deployment;
        return known != null ? known : call(operation, key, this::deployment);
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
}
