package dev.distlock.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.distlock.spi.support.WaiterRegistry;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The N independent nodes of a {@link RedlockLockBackend} and the calls that go to all of them at
 * once; the backend decides what their replies mean (a majority, in time).
 */
final class RedlockNodes implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedlockNodes.class);

    private final ClientResources resources;
    private final List<RedlockNode> nodes = new ArrayList<>();
    private final String releaseChannel;

    RedlockNodes(RedlockSettings settings) {
        // Reconnect quickly to a node that comes back: a long back-off would keep it out of majorities.
        this.resources = ClientResources.builder()
                .ioThreadPoolSize(Math.max(2, settings.nodes().size()))
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(20), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        for (String uri : settings.nodes()) {
            nodes.add(new RedlockNode(uri, resources, settings.nodeTimeout(), settings.ssl()));
        }
        this.releaseChannel = settings.common().releaseChannel();
        nodes.forEach(RedlockNode::connectInBackground);
    }

    int size() {
        return nodes.size();
    }

    /** Sends {@code call} to every node in parallel and waits for every reply (each bounded by the node timeout). */
    <T> NodeReplies<T> onEveryNode(Function<RedlockNode, CompletableFuture<T>> call) {
        List<CompletableFuture<T>> calls = new ArrayList<>(nodes.size());
        for (RedlockNode node : nodes) {
            try {
                calls.add(call.apply(node));
            } catch (RuntimeException e) {
                calls.add(CompletableFuture.failedFuture(e));
            }
        }
        return NodeReplies.await(calls);
    }

    /** Writes the granted token back as a floor for every node's counter; returns how many nodes took it. */
    int raiseFence(RedisKeyLayout keys, long token) {
        String[] fence = {keys.fence()};
        return onEveryNode(node -> node.<Long>run(LettuceScript.RAISE_FENCE, fence, Long.toString(token))).answers().size();
    }

    NodeReplies<Long> release(String key, String owner) {
        String[] lock = {RedisKeyLayout.of(key).lock()};
        return onEveryNode(node -> node.<Long>run(LettuceScript.RELEASE, lock, owner, releaseChannel, key));
    }

    /**
     * A failed attempt may have taken the key on the nodes that granted it or did not answer: free
     * those, so that others need not wait for expiry. A node that answered "held by another" holds
     * nothing of ours. Nobody waits for the undo: the next attempt of the same owner goes out on the
     * same connection behind it, and a lost undo only leaves a lease that expires by itself.
     */
    void undo(String key, String owner, NodeReplies<List<Long>> replies) {
        String[] lock = {RedisKeyLayout.of(key).lock()};
        for (int i = 0; i < nodes.size(); i++) {
            List<Long> reply = replies.answer(i);
            if (reply != null && !RedlockLockBackend.granted(reply)) {
                continue;
            }
            RedlockNode node = nodes.get(i);
            try {
                node.<Long>run(LettuceScript.RELEASE, lock, owner, releaseChannel, key)
                        .whenComplete((released, error) -> {
                            if (error != null) {
                                log.debug("Undo of a failed Redlock attempt on '{}' did not reach {}; its lease expires by itself: {}",
                                        RedisCalls.abbreviate(key), node.address(), error.toString());
                            }
                        });
            } catch (RuntimeException e) {
                log.debug("Undo of a failed Redlock attempt on '{}' not sent to {}: {}",
                        RedisCalls.abbreviate(key), node.address(), e.toString());
            }
        }
    }

    /** Every node publishes its own release: listening on each means a majority's release is seen. */
    void listen(WaiterRegistry<String> waiters) {
        for (RedlockNode node : nodes) {
            node.listen(releaseChannel, waiters);
        }
    }

    /** Why each node that did not answer a PING within {@code wait} failed, by host:port. */
    Map<String, Throwable> connectionFailures(Duration wait) {
        NodeReplies<String> replies = onEveryNode(node -> node.ping(wait));
        Map<String, Throwable> failures = new LinkedHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            int node = i;
            replies.failure(i).ifPresent(failure -> failures.put(nodes.get(node).address(), failure));
        }
        return failures;
    }

    /** PINGs every node; {@code details} gets each node's answer by host:port. Returns how many answered. */
    int ping(Map<String, Object> details) {
        NodeReplies<String> replies = onEveryNode(RedlockNode::ping);
        for (int i = 0; i < nodes.size(); i++) {
            details.put(nodes.get(i).address(), replies.describe(i));
        }
        return replies.answers().size();
    }

    @Override
    public void close() {
        nodes.forEach(RedlockNode::close);
        resources.shutdown();
    }
}
