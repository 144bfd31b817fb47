package dev.distlock.redis;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.BackendCapabilities;
import dev.distlock.spi.BackendCapabilities.FencingStrength;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.ReleaseNotifications;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Locks on one Redis deployment reached through the application's {@link RedisConnectionFactory}:
 * a single node, a Sentinel-managed primary or a Cluster (every script touches one hash slot, see
 * {@link RedisKeyLayout}). Each operation is one script, run by SHA and reloaded on NOSCRIPT by
 * spring-data-redis's script executor; see {@link RedisLockScripts} for the protocol.
 *
 * <p>Fencing tokens come from a per-key counter that release never resets. They are
 * {@link FencingStrength#BEST_EFFORT}: a Redis that restarts without persistence, or a replica
 * promoted before it received the last INCR, issues a token again.
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
    private final RedisReleaseSubscriber subscriber;
    private final FairQueueKeeper fairQueue;
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
        this.settings = settings;
        this.grants = new ReplicatedGrants(redis, replicaWait);
        this.healthProbe = new RedisHealthProbe(redis);
        this.subscriber = new RedisReleaseSubscriber(subscriptionFactory, settings.releaseChannel(),
                settings.operationTimeout(), waiters);
        this.fairQueue = new FairQueueKeeper(settings.queueEntryLifetime(), this::keepQueued);
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
        RedisKeyLayout keys = RedisKeyLayout.of(request.key());
        String lease = millis(request.ttl());
        Runnable undo = () -> release(request.key(), request.owner());
        if (!request.fair()) {
            return toResult(call("acquire", request.key(), () -> grants.grant(request.key(), () -> redis.execute(
                    RedisLockScripts.ACQUIRE, List.of(keys.lock(), keys.fence()), request.owner(), lease), undo)));
        }
        List<Long> reply = call("acquire (fair)", request.key(), () -> grants.grant(request.key(), () -> redis.execute(
                RedisLockScripts.FAIR_ACQUIRE, List.of(keys.lock(), keys.fence(), keys.queue(), keys.queueDeadlines()),
                request.owner(), lease, millis(settings.queueEntryLifetime()), settings.releaseChannel(), request.key()),
                undo));
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
        Long released = call("release", key, () -> redis.execute(RedisLockScripts.RELEASE,
                List.of(RedisKeyLayout.of(key).lock()), owner, settings.releaseChannel(), key));
        return released != null && released == 1L;
    }

    @Override
    public void withdraw(String key, String owner) {
        fairQueue.done(key, owner);
        RedisKeyLayout keys = RedisKeyLayout.of(key);
        call("withdraw", key, () -> redis.execute(RedisLockScripts.WITHDRAW,
                List.of(keys.queue(), keys.queueDeadlines()), owner, settings.releaseChannel(), key));
    }

    /**
     * Returns at once. When the release subscription is live, a release published after this
     * returns wakes {@code onChange}. When it is not (not started yet, Redis or its pub/sub
     * connection down), it is started in the background and meanwhile {@code onChange} is called
     * every {@link RedisReleaseSubscriber#POLL_WITHOUT_SUBSCRIPTION} (bounded polling), and once
     * more when the subscription is confirmed: no release goes unnoticed for longer than that.
     */
    @Override
    public Subscription subscribe(String key, String owner, Runnable onChange) {
        Subscription subscription = waiters.add(key, onChange);
        if (!subscriber.isLive()) {
            subscriber.startInBackground();
            if (log.isDebugEnabled()) {
                log.debug("Waiter of lock '{}' has no live release subscription ({}); it is woken to poll until there is one",
                        abbreviate(key), subscriber.describe());
            }
        }
        return subscription;
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

    /**
     * Why Redis does not answer now (a PING within {@code wait}), or empty when it does: for a
     * start-up check that tells a TLS failure, which never heals, from a Redis that is down.
     */
    public Optional<Throwable> connectionFailure(Duration wait) {
        try {
            healthProbe.probe(wait);
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.of(e.getCause() != null ? e.getCause() : e);
        } catch (TimeoutException e) {
            return Optional.of(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(e);
        }
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
            details.put("releaseSubscription", subscriber.describe());
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
        subscriber.close();
        healthProbe.close();
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
