package dev.distlock.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.BackendCapabilities;
import dev.distlock.spi.BackendCapabilities.FencingStrength;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.ReleaseNotifications;
import dev.distlock.spi.RenewResult;
import dev.distlock.spi.support.WaiterRegistry;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redlock over N independent Redis nodes, as redis.io specifies it: each attempt goes to every
 * node in parallel with a short per-node timeout, and counts only when a majority (N/2 + 1)
 * granted it within its validity, TTL - elapsed - drift (0.01 x TTL + 2 ms). The grant says it is
 * valid for TTL - drift from when the attempt was sent (the same instant), and the engine trusts the
 * lease no longer. A failed attempt is undone, without waiting, on the nodes that granted it or did
 * not answer. Renewal needs a majority under the same rule and carries the same validity; release
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

    private final RedlockSettings settings;
    private final ClientResources resources;
    private final List<RedlockNode> nodes = new ArrayList<>();
    private final WaiterRegistry<String> waiters = new WaiterRegistry<>();

    public RedlockLockBackend(RedlockSettings settings) {
        this.settings = settings;
        // Reconnect quickly to a node that comes back: a long back-off would keep it out of majorities.
        this.resources = ClientResources.builder()
                .ioThreadPoolSize(Math.max(2, settings.nodes().size()))
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(20), Duration.ofSeconds(1), 2,
                        java.util.concurrent.TimeUnit.MILLISECONDS))
                .build();
        for (String uri : settings.nodes()) {
            nodes.add(new RedlockNode(uri, resources, settings.nodeTimeout(), settings.ssl()));
        }
        nodes.forEach(RedlockNode::connectInBackground);
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
        NodeReplies<List<Long>> replies = NodeReplies.await(onEveryNode(node ->
                node.<List<Long>>run(LettuceScript.ACQUIRE, acquireKeys, request.owner(), RedisLockBackend.millis(request.ttl()))));
        List<Long> tokens = new ArrayList<>();
        List<Long> holderRemaining = new ArrayList<>();
        for (List<Long> reply : replies.answers()) {
            (granted(reply) ? tokens : holderRemaining).add(reply.get(1));
        }
        if (tokens.size() >= settings.quorum() && stillValid(request.ttl(), started)) {
            long token = tokens.stream().mapToLong(Long::longValue).max().orElseThrow();
            if (raiseFence(keys, token) >= settings.quorum() && stillValid(request.ttl(), started)) {
                return AcquireResult.granted(token, RedlockSettings.validityFromStart(request.ttl()));
            }
        }
        undo(request.key(), request.owner(), replies);
        if (replies.answers().isEmpty()) {
            throw new LockBackendException("Redlock acquire of '" + RedisLockBackend.abbreviate(request.key())
                    + "': no node answered; " + replies.describeFailures());
        }
        if (replies.answers().size() < settings.quorum()) {
            // Some nodes answered, too few for a majority: a "not now" that the engine retries until
            // waitFor (the nodes may come back), not an error. health() reports the backend down.
            log.debug("Redlock acquire of '{}': only {} of {} nodes answered, {} needed; {}",
                    RedisLockBackend.abbreviate(request.key()), replies.answers().size(), nodes.size(),
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
        NodeReplies<Long> replies = NodeReplies.await(onEveryNode(node ->
                node.<Long>run(LettuceScript.RENEW, lock, owner, RedisLockBackend.millis(ttl))));
        long extended = replies.answers().stream().filter(answer -> answer == 1L).count();
        if (extended >= settings.quorum()) {
            return stillValid(ttl, started) ? RenewResult.renewed(RedlockSettings.validityFromStart(ttl)) : RenewResult.refused();
        }
        long refused = replies.answers().size() - extended;
        if (refused > nodes.size() - settings.quorum()) {
            return RenewResult.refused(); // no majority can hold it any more, whatever the silent nodes would say
        }
        throw new LockBackendException("Redlock renew of '" + RedisLockBackend.abbreviate(key) + "': "
                + extended + " of " + nodes.size() + " nodes extended it, " + settings.quorum() + " needed; "
                + replies.describeFailures());
    }

    @Override
    public boolean release(String key, String owner) {
        NodeReplies<Long> replies = release(RedisKeyLayout.of(key), key, owner);
        if (replies.answers().isEmpty()) {
            throw new LockBackendException("Redlock release of '" + RedisLockBackend.abbreviate(key)
                    + "': no node answered; the lease expires by itself; " + replies.describeFailures());
        }
        return replies.answers().stream().anyMatch(answer -> answer == 1L);
    }

    @Override
    public Subscription subscribe(String key, String owner, Runnable onChange) {
        Subscription subscription = waiters.add(key, onChange);
        // Every node publishes its own release: listening on each means a majority's release is seen.
        for (RedlockNode node : nodes) {
            node.listen(settings.common().releaseChannel(), waiters);
        }
        return subscription;
    }

    /**
     * The nodes that do not answer a PING within {@code wait} (which may exceed the node timeout: a
     * first connection pays for the TLS handshake), by host:port, with why: for a start-up check that
     * tells a TLS failure, which never heals, from a node that is down.
     */
    public Map<String, Throwable> connectionFailures(Duration wait) {
        NodeReplies<String> replies = NodeReplies.await(onEveryNode(node -> node.ping(wait)));
        Map<String, Throwable> failures = new LinkedHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            int node = i;
            replies.failure(i).ifPresent(failure -> failures.put(nodes.get(node).address(), failure));
        }
        return failures;
    }

    @Override
    public BackendHealth health() {
        NodeReplies<String> replies = NodeReplies.await(onEveryNode(RedlockNode::ping));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("mode", "redlock");
        details.put("quorum", settings.quorum());
        for (int i = 0; i < nodes.size(); i++) {
            details.put(nodes.get(i).address(), replies.describe(i));
        }
        if (replies.answers().size() >= settings.quorum()) {
            return BackendHealth.up(details);
        }
        return BackendHealth.down(replies.answers().size() + " of " + nodes.size() + " Redis nodes answered, "
                + settings.quorum() + " needed", details);
    }

    @Override
    public void close() {
        nodes.forEach(RedlockNode::close);
        resources.shutdown();
    }

    /** Writes the granted token back as a floor for every node's counter; returns how many nodes took it. */
    private int raiseFence(RedisKeyLayout keys, long token) {
        String[] fence = {keys.fence()};
        return NodeReplies.await(onEveryNode(node ->
                node.<Long>run(LettuceScript.RAISE_FENCE, fence, Long.toString(token)))).answers().size();
    }

    /**
     * A failed attempt may have taken the key on the nodes that granted it or did not answer: free
     * those, so that others need not wait for expiry. A node that answered "held by another" holds
     * nothing of ours. Nobody waits for the undo: the next attempt of the same owner goes out on the
     * same connection behind it, and a lost undo only leaves a lease that expires by itself.
     */
    private void undo(String key, String owner, NodeReplies<List<Long>> replies) {
        String[] lock = {RedisKeyLayout.of(key).lock()};
        for (int i = 0; i < nodes.size(); i++) {
            List<Long> reply = replies.answer(i);
            if (reply != null && !granted(reply)) {
                continue;
            }
            RedlockNode node = nodes.get(i);
            try {
                node.<Long>run(LettuceScript.RELEASE, lock, owner, settings.common().releaseChannel(), key)
                        .whenComplete((released, error) -> {
                            if (error != null) {
                                log.debug("Undo of a failed Redlock attempt on '{}' did not reach {}; its lease expires by itself: {}",
                                        RedisLockBackend.abbreviate(key), node.address(), error.toString());
                            }
                        });
            } catch (RuntimeException e) {
                log.debug("Undo of a failed Redlock attempt on '{}' not sent to {}: {}",
                        RedisLockBackend.abbreviate(key), node.address(), e.toString());
            }
        }
    }

    /** An {@link RedisLockScripts#ACQUIRE_LUA} reply: {1, token} granted, {0, pttl} held by another. */
    private static boolean granted(List<Long> reply) {
        return reply.get(0) == 1L;
    }

    private NodeReplies<Long> release(RedisKeyLayout keys, String key, String owner) {
        String[] lock = {keys.lock()};
        return NodeReplies.await(onEveryNode(node ->
                node.<Long>run(LettuceScript.RELEASE, lock, owner, settings.common().releaseChannel(), key)));
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

    private <T> List<CompletableFuture<T>> onEveryNode(Function<RedlockNode, CompletableFuture<T>> call) {
        List<CompletableFuture<T>> calls = new ArrayList<>(nodes.size());
        for (RedlockNode node : nodes) {
            try {
                calls.add(call.apply(node));
            } catch (RuntimeException e) {
                calls.add(CompletableFuture.failedFuture(e));
            }
        }
        return calls;
    }
}
