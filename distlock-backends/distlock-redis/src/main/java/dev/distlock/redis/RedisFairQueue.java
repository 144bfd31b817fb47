package dev.distlock.redis;

import static dev.distlock.redis.RedisCalls.toResult;

import java.util.List;
import java.util.function.BiFunction;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;

/**
 * The single-node backend's fair locks: each key's queue of owners in Redis, in request order
 * ({@link RedisQueueScripts#FAIR_ACQUIRE_LUA}), and the places of this backend's queued owners, kept
 * from expiring by a {@link WaiterEntryKeeper} until they are granted or withdraw.
 */
final class RedisFairQueue implements AutoCloseable {

    /** Runs a grant script as the backend grants (waiting for replicas where it does): {1, token} or {0, pttl}. */
    @FunctionalInterface
    interface GrantScript {
        List<Long> run(AcquireRequest request, LettuceScript script, String operation, byte[][] keys, byte[][] args);
    }

    private final RedisScriptCalls scripts;
    private final RedisSettings settings;
    private final GrantScript grantScript;
    /** The deployment, for an operation on a key; a failure to find it out is that operation's. */
    private final BiFunction<String, String, RedisDeployment> deployment;
    private final WaiterEntryKeeper places;

    RedisFairQueue(RedisScriptCalls scripts, RedisSettings settings, GrantScript grantScript,
            BiFunction<String, String, RedisDeployment> deployment) {
        this.scripts = scripts;
        this.settings = settings;
        this.grantScript = grantScript;
        this.deployment = deployment;
        this.places = new WaiterEntryKeeper("distlock-redis-fair-queue", settings.queueEntryLifetime(), this::keepQueued);
    }

    /** Granted when the key is free and the owner first in line; else the owner keeps (or takes) its place. */
    AcquireResult tryAcquire(AcquireRequest request) {
        String key = request.key();
        EncodedKeyLayout keys = new EncodedKeyLayout(key);
        RedisDeployment deployment = this.deployment.apply("acquire (fair)", key);
        AcquireResult result = toResult(grantScript.run(request, LettuceScript.FAIR_ACQUIRE, "acquire (fair)",
                new byte[][] {keys.lock(), deployment.fence(keys), keys.replacedFence(), keys.queue(), keys.queueDeadlines(),
                        keys.waiters()},
                new byte[][] {EncodedKeyLayout.utf8(request.owner()), RedisCalls.millisBytes(request.ttl()),
                        RedisCalls.millisBytes(settings.queueEntryLifetime()), deployment.channelSuffix(keys), keys.key()}));
        if (result instanceof AcquireResult.Granted) {
            places.done(key, request.owner());
        } else {
            places.waiting(key, request.owner());
        }
        return result;
    }

    /**
     * The owner gave up: its place is no longer kept (first, so that a Redis that is down meanwhile
     * does not leave it refreshed) and it leaves the queue; {@link RedisQueueScripts#WITHDRAW_LUA} wakes the
     * next in line when it was first.
     */
    void withdraw(String key, String owner) {
        places.done(key, owner);
        EncodedKeyLayout keys = new EncodedKeyLayout(key);
        RedisDeployment deployment = this.deployment.apply("withdraw", key);
        scripts.run("withdraw", key, LettuceScript.WITHDRAW,
                new byte[][] {keys.queue(), keys.queueDeadlines(), keys.waiters(), keys.lock()},
                new byte[][] {EncodedKeyLayout.utf8(owner), deployment.channelSuffix(keys), keys.key()});
    }

    /** Whether {@code owner} waits in the queue of {@code key}, as far as this backend knows. */
    boolean isQueued(String key, String owner) {
        return places.isWaiting(key, owner);
    }

    /** For health: how many owners of this backend keep a place in a queue. */
    int queuedOwners() {
        return places.size();
    }

    @Override
    public void close() {
        places.close();
    }

    private boolean keepQueued(String key, String owner) {
        EncodedKeyLayout keys = new EncodedKeyLayout(key);
        Long queued = scripts.run("keep queued", key, LettuceScript.KEEP_QUEUED,
                new byte[][] {keys.queue(), keys.queueDeadlines()},
                new byte[][] {EncodedKeyLayout.utf8(owner), RedisCalls.millisBytes(settings.queueEntryLifetime())});
        return queued != null && queued == 1L;
    }
}
