package dev.distlock.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.BackendCapabilities;
import dev.distlock.spi.BackendCapabilities.FencingStrength;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.ReleaseNotifications;
import dev.distlock.spi.RenewRequest;
import dev.distlock.spi.RenewResult;
import dev.distlock.spi.support.WaiterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redlock over N independent Redis nodes, as redis.io specifies it: each attempt goes to every
 * node in parallel with a short per-node timeout, and counts only when a majority (N/2 + 1)
 * granted it within its validity, TTL - elapsed - drift (0.01 x TTL + 2 ms). The grant says it is
 * valid for TTL - drift from when the attempt was sent (the same instant), and the engine trusts the
 * lease no longer. A failed attempt is undone, without waiting, on the nodes that granted it or did
 * not answer. Renewal needs a majority under the same rule and carries the same validity (a batch
 * of renewals goes to every node as one script per {@link RenewBatch#MAX_LEASES} leases); release
 * goes to every node. The engine retries a denied attempt after a jittered delay, up to waitFor.
 * A node that is down costs no caller a dial: {@link RedlockNode} reconnects in the background.
 *
 * <p>Fencing: each node issues a token from its own counter ({@link RedisLockScripts#ACQUIRE_LUA})
 * and the grant carries the largest of the majority's tokens. Before the grant is returned, that
 * token is written back ({@link RedisLockScripts#RAISE_FENCE_LUA}) to a majority, so that the next
 * grant, whose majority shares a node with this one, issues a larger token. The tokens are
 * {@link FencingStrength#BEST_EFFORT}: there is no consensus among the nodes, and a node restarted
 * without persistence forgets both its locks and its counters.
 *
 * <p>Not fair: a fair request is served like any other ({@code capabilities().fair()} is false).
 */
public final class RedlockLockBackend implements LockBackend, ReleaseNotifications {

    private static final Logger log = LoggerFactory.getLogger(RedlockLockBackend.class);
    private static final BackendCapabilities CAPABILITIES = new BackendCapabilities(false, FencingStrength.BEST_EFFORT);

    /** How renewAll encodes its calls on the nodes' String connections. */
    private static final RenewBatch.Encoding<String> ENCODING = new RenewBatch.Encoding<>(
            key -> RedisKeyLayout.of(key).lock(), owner -> owner, RedisCalls::millis, String[]::new);

    private final RedlockSettings settings;
    private final RedlockNodes nodes;
    private final WaiterRegistry<String> waiters = new WaiterRegistry<>();

    public RedlockLockBackend(RedlockSettings settings) {
        this.settings = settings;
        this.nodes = new RedlockNodes(settings);
    }

    @Override
    public String name() {
        return "redlock";
    }

    @Override
    public BackendCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public AcquireResult tryAcquire(AcquireRequest request) {
        RedisKeyLayout keys = RedisKeyLayout.of(request.key());
        String[] acquireKeys = {keys.lock(), keys.fence(), keys.replacedFence()};
        long started = System.nanoTime();
        NodeReplies<List<Long>> replies = nodes.onEveryNode(node ->
                node.<List<Long>>run(LettuceScript.ACQUIRE, acquireKeys, request.owner(), RedisCalls.millis(request.ttl())));
        List<Long> tokens = new ArrayList<>();
        List<Long> holderRemaining = new ArrayList<>();
        for (List<Long> reply : replies.answers()) {
            (granted(reply) ? tokens : holderRemaining).add(reply.get(1));
        }
        if (tokens.size() >= settings.quorum() && stillValid(request.ttl(), started)) {
            long token = tokens.stream().mapToLong(Long::longValue).max().orElseThrow();
            if (nodes.raiseFence(keys, token) >= settings.quorum() && stillValid(request.ttl(), started)) {
                return AcquireResult.granted(token, RedlockSettings.validityFromStart(request.ttl()));
            }
        }
        nodes.undo(request.key(), request.owner(), replies);
        if (replies.answers().isEmpty()) {
            throw new LockBackendException("Redlock acquire of '" + RedisCalls.abbreviate(request.key())
                    + "': no node answered; " + replies.describeFailures());
        }
        if (replies.answers().size() < settings.quorum()) {
            // Some nodes answered, too few for a majority: a "not now" that the engine retries until
            // waitFor (the nodes may come back), not an error. health() reports the backend down.
            log.debug("Redlock acquire of '{}': only {} of {} nodes answered, {} needed; {}",
                    RedisCalls.abbreviate(request.key()), replies.answers().size(), nodes.size(),
                    settings.quorum(), replies.describeFailures());
            return AcquireResult.denied();
        }
        return denied(tokens.size(), holderRemaining);
    }

    @Override
    public boolean renew(String key, String owner, Duration ttl) {
        return renewWithValidity(key, owner, ttl).extended();
    }

    /** Extended on a majority in time: valid for the TTL less the drift allowance, from when the renewal was sent. */
    @Override
    public RenewResult renewWithValidity(String key, String owner, Duration ttl) {
        String[] lock = {RedisKeyLayout.of(key).lock()};
        long started = System.nanoTime();
        NodeReplies<Long> replies = nodes.onEveryNode(node ->
                node.<Long>run(LettuceScript.RENEW, lock, owner, RedisCalls.millis(ttl)));
        int extended = (int) replies.answers().stream().filter(answer -> answer == 1L).count();
        return renewal(key, ttl, started, extended, replies.answers().size(), replies);
    }

    /**
     * Every node gets one {@link RedisLockScripts#RENEW_ALL_LUA} per {@link RenewBatch#MAX_LEASES}
     * leases, all at once; each lease is then judged as {@link #renewWithValidity} judges one.
     */
    @Override
    public List<RenewResult> renewAll(List<RenewRequest> requests) {
        if (requests.isEmpty()) {
            return List.of();
        }
        List<RenewBatch<String>> batches = RenewBatch.cut(requests, ENCODING, null);
        long started = System.nanoTime();
        NodeReplies<RenewResult[]> replies = nodes.onEveryNode(node -> node.renewAll(batches, requests.size()));
        List<RenewResult> results = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            int extended = 0;
            for (RenewResult[] answer : replies.answers()) {
                extended += answer[i].extended() ? 1 : 0;
            }
            RenewRequest request = requests.get(i);
            results.add(renewal(request.key(), request.ttl(), started, extended, replies.answers().size(), replies));
        }
        return results;
    }

    /** A renewal sent at {@code started}, extended by {@code extended} of the {@code answered} nodes. */
    private RenewResult renewal(String key, Duration ttl, long started, int extended, int answered, NodeReplies<?> replies) {
        if (extended >= settings.quorum()) {
            return stillValid(ttl, started) ? RenewResult.renewed(RedlockSettings.validityFromStart(ttl)) : RenewResult.refused();
        }
        int refused = answered - extended;
        if (refused > nodes.size() - settings.quorum()) {
            return RenewResult.refused(); // no majority can hold it any more, whatever the silent nodes would say
        }
        throw new LockBackendException("Redlock renew of '" + RedisCalls.abbreviate(key) + "': "
                + extended + " of " + nodes.size() + " nodes extended it, " + settings.quorum() + " needed; "
                + replies.describeFailures());
    }

    @Override
    public boolean release(String key, String owner) {
        NodeReplies<Long> replies = nodes.release(key, owner);
        if (replies.answers().isEmpty()) {
            throw new LockBackendException("Redlock release of '" + RedisCalls.abbreviate(key)
                    + "': no node answered; the lease expires by itself; " + replies.describeFailures());
        }
        return replies.answers().stream().anyMatch(answer -> answer == 1L);
    }

    @Override
    public Subscription subscribe(String key, String owner, Runnable onChange) {
        Subscription subscription = waiters.add(key, onChange);
        nodes.listen(waiters);
        return subscription;
    }

    /**
     * The nodes that do not answer a PING within {@code wait} (which may exceed the node timeout: a
     * first connection pays for the TLS handshake), by host:port, with why: for a start-up check that
     * tells a TLS failure, which never heals, from a node that is down.
     */
    public Map<String, Throwable> connectionFailures(Duration wait) {
        return nodes.connectionFailures(wait);
    }

    @Override
    public BackendHealth health() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("mode", "redlock");
        details.put("quorum", settings.quorum());
        int answered = nodes.ping(details);
        if (answered >= settings.quorum()) {
            return BackendHealth.up(details);
        }
        return BackendHealth.down(answered + " of " + nodes.size() + " Redis nodes answered, "
                + settings.quorum() + " needed", details);
    }

    @Override
    public void close() {
        nodes.close();
    }

    /** An {@link RedisLockScripts#ACQUIRE_LUA} reply: {1, token} granted, {0, pttl} held by another. */
    static boolean granted(List<Long> reply) {
        return reply.get(0) == 1L;
    }

    /**
     * Denied: the lock can be had once a majority is free. The nodes that granted are free again;
     * of the others, the k-th soonest expiry frees enough of them, k being what is still missing.
     */
    private AcquireResult denied(int grantedNodes, List<Long> holderRemaining) {
        int missing = settings.quorum() - grantedNodes;
        List<Long> expiring = holderRemaining.stream().filter(pttl -> pttl > 0).sorted().toList();
        if (missing <= 0 || missing > expiring.size()) {
            return AcquireResult.denied();
        }
        return AcquireResult.denied(Duration.ofMillis(expiring.get(missing - 1)));
    }

    private boolean stillValid(Duration ttl, long startedNanos) {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startedNanos);
        return RedlockSettings.validity(ttl, elapsed).compareTo(Duration.ZERO) > 0;
    }
}
