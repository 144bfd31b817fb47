package dev.distlock.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.BackendCapabilities;
import dev.distlock.spi.BackendCapabilities.FencingStrength;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.ReleaseNotifications;
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
 * <p>The backend owns only what it creates (a listener container, two daemon threads); the
 * connection factory stays the application's.
 */
public final class RedisLockBackend implements LockBackend, ReleaseNotifications {

    private static final BackendCapabilities CAPABILITIES = new BackendCapabilities(true, FencingStrength.BEST_EFFORT);

    private final StringRedisTemplate redis;
    private final RedisLockSettings settings;
    private final ReleaseWaiters waiters = new ReleaseWaiters();
    private final RedisReleaseSubscriber subscriber;
    private final FairQueueKeeper fairQueue;
    private final ExecutorService healthProbe = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "distlock-redis-health");
        thread.setDaemon(true);
        return thread;
    });

    public RedisLockBackend(RedisConnectionFactory connectionFactory) {
        this(connectionFactory, RedisLockSettings.defaults());
    }

    public RedisLockBackend(RedisConnectionFactory connectionFactory, RedisLockSettings settings) {
        this.redis = new StringRedisTemplate(connectionFactory);
        this.settings = settings;
        this.subscriber = new RedisReleaseSubscriber(connectionFactory, settings.releaseChannel(),
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
        if (!request.fair()) {
            return toResult(call("acquire", request.key(), () -> redis.execute(RedisLockScripts.ACQUIRE,
                    List.of(keys.lock(), keys.fence()), request.owner(), lease)));
        }
        List<Long> reply = call("acquire (fair)", request.key(), () -> redis.execute(RedisLockScripts.FAIR_ACQUIRE,
                List.of(keys.lock(), keys.fence(), keys.queue(), keys.queueDeadlines()), request.owner(), lease,
                millis(settings.queueEntryLifetime()), settings.releaseChannel(), request.key()));
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

    @Override
    public Subscription subscribe(String key, String owner, Runnable onChange) {
        Subscription subscription = waiters.add(key, onChange);
        // Listening before this returns, so no release falls between subscribe and the next attempt.
        subscriber.ensureListening();
        return subscription;
    }

    @Override
    public BackendHealth health() {
        long started = System.nanoTime();
        try {
            Future<String> ping = healthProbe.submit(() -> redis.execute(connection -> connection.ping(), true));
            String pong = ping.get(settings.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            return BackendHealth.up(Map.of("mode", "single", "ping", String.valueOf(pong), "pingMillis", tookMillis,
                    "waitingKeys", waiters.keyCount(), "fairWaiters", fairQueue.size()));
        } catch (java.util.concurrent.TimeoutException e) {
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
        healthProbe.shutdownNow();
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
