package dev.distlock.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.distlock.spi.RenewResult;
import dev.distlock.spi.support.WaiterRegistry;
import org.jspecify.annotations.Nullable;

/**
 * One independent Redis node of a {@link RedlockLockBackend}, on a plain Lettuce client. Commands
 * fail fast while the node is down (no buffering until it returns: a late "yes" is worthless to
 * Redlock).
 *
 * <p>Nobody who asks the node waits for a connection to be made. The command connection is dialled
 * in the background from the start, and again in the background after a failed dial, with a growing
 * pause; once made, Lettuce reconnects it by itself. The pub/sub connection is made in the
 * background on the first waiter, and retried likewise. TCP keep-alive notices a peer that went
 * silent while the connection was idle. State is lock-free, so that no caller (a virtual thread
 * included) blocks behind a node that does not answer.
 */
final class RedlockNode implements AutoCloseable {

    /** Pause before the first redial of a node that could not be reached; doubles up to {@link #MAX_REDIAL_DELAY}. */
    static final Duration FIRST_REDIAL_DELAY = Duration.ofMillis(20);
    static final Duration MAX_REDIAL_DELAY = Duration.ofSeconds(1);
    /** Keep-alive probes after 2 s of silence, every second, 3 unanswered ones end the connection. */
    static final SocketOptions.KeepAliveOptions KEEP_ALIVE = SocketOptions.KeepAliveOptions.builder()
            .enable().idle(Duration.ofSeconds(2)).interval(Duration.ofSeconds(1)).count(3).build();

    private static final Logger log = LoggerFactory.getLogger(RedlockNode.class);

    private final RedisURI uri;
    private final RedisClient client;
    private final ClientResources resources;
    private final Duration timeout;
    /** "Redlock node host:port", for failures. */
    private final String description;
    private final AtomicReference<CompletableFuture<StatefulRedisConnection<String, String>>> connection =
            new AtomicReference<>(CompletableFuture.failedFuture(new IllegalStateException("not dialled yet")));
    private final AtomicInteger failedDials = new AtomicInteger();
    private final AtomicBoolean listening = new AtomicBoolean();
    private final AtomicInteger failedSubscriptions = new AtomicInteger();
    private volatile StatefulRedisPubSubConnection<String, String> pubSub;
    private volatile boolean closed;

    /** {@code ssl}: trust and keys for a {@code rediss://} node, or null for the JDK's defaults. */
    RedlockNode(String uri, ClientResources resources, Duration timeout, @Nullable SslOptions ssl) {
        this.uri = RedisURI.create(uri);
        this.uri.setTimeout(timeout);
        this.resources = resources;
        this.timeout = timeout;
        this.description = "Redlock node " + address();
        this.client = RedisClient.create(resources, this.uri);
        ClientOptions.Builder options = ClientOptions.builder();
        if (ssl != null) {
            options.sslOptions(ssl);
        }
        client.setOptions(options
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(timeout.multipliedBy(10)).keepAlive(KEEP_ALIVE).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
    }

    /** host:port for health details and messages (never the password). */
    String address() {
        return uri.getHost() + ":" + uri.getPort();
    }

    /** Runs {@code script} on this node; the future fails after the node timeout, or at once while the node is not connected. */
    <T> CompletableFuture<T> run(LettuceScript script, String[] keys, String... args) {
        CompletableFuture<T> result = connection()
                .thenCompose(connected -> script.<String, String, T>run(connected.async(), keys, args));
        return result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Runs every call of a renewAll batch on this node, all sent at once; the answer of each lease at
     * its place in the batch. Fails when any call failed, timed out, or answered other than one entry
     * per lease it asked about ({@link RenewBatch#answer}).
     */
    CompletableFuture<RenewResult[]> renewAll(List<RenewBatch<String>> batches, int leases) {
        RenewResult[] renewed = new RenewResult[leases];
        CompletableFuture<?>[] calls = new CompletableFuture<?>[batches.size()];
        for (int i = 0; i < calls.length; i++) {
            RenewBatch<String> batch = batches.get(i);
            calls[i] = this.<List<Long>>run(LettuceScript.RENEW_ALL, batch.keys(), batch.args())
                    .thenAccept(reply -> batch.answer(reply, renewed, description));
        }
        // allOf completes after every call's answer was written: the caller reads them all.
        return CompletableFuture.allOf(calls).thenApply(done -> renewed);
    }

    CompletableFuture<String> ping() {
        return ping(timeout);
    }

    /** A PING that may wait longer than the node timeout, e.g. at start-up for the first TLS handshake. */
    CompletableFuture<String> ping(Duration wait) {
        return connection().thenCompose(connected -> connected.async().ping().toCompletableFuture())
                .orTimeout(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Subscribes this node's pub/sub connection to {@code channel}, once, in the background; returns
     * at once. Lettuce re-subscribes after a reconnect by itself; a subscription that could not be
     * made is tried again after a pause. Until it is live this node's releases go unheard: the
     * other nodes' releases and the engine's rare poll wake waiters meanwhile.
     */
    void listen(String channel, WaiterRegistry<String> waiters) {
        if (listening.compareAndSet(false, true)) {
            subscribe(channel, waiters);
        }
    }

    /**
     * Starts connecting without waiting, so that the set-up (class loading, TLS, HELLO) is not
     * paid inside the first attempt, where it would eat the lock's validity.
     */
    void connectInBackground() {
        dial();
    }

    private CompletableFuture<StatefulRedisConnection<String, String>> connection() {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("backend closed"));
        }
        // A failed dial stays here, failing calls at once, until the redial it scheduled replaces it.
        return connection.get();
    }

    private void dial() {
        if (closed) {
            return;
        }
        CompletableFuture<StatefulRedisConnection<String, String>> attempt =
                client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
        connection.set(attempt);
        attempt.whenComplete((connected, error) -> {
            if (error == null) {
                failedDials.set(0);
                if (closed) {
                    connected.closeAsync();
                }
                return;
            }
            log.debug("Could not connect to Redlock node {}, retrying in the background: {}", address(), error.toString());
            later(this::dial, failedDials.incrementAndGet());
        });
    }

    private void subscribe(String channel, WaiterRegistry<String> waiters) {
        if (closed) {
            return;
        }
        client.connectPubSubAsync(StringCodec.UTF8, uri).toCompletableFuture()
                .thenCompose(connected -> {
                    pubSub = connected;
                    if (closed) {
                        connected.closeAsync();
                        return CompletableFuture.failedFuture(new IllegalStateException("backend closed"));
                    }
                    connected.addListener(new RedisPubSubAdapter<>() {
                        @Override
                        public void message(String from, String key) {
                            waiters.wake(key);
                        }

                        @Override
                        public void subscribed(String subscribedChannel, long count) {
                            // Live from now on, first time or after a reconnect: releases before it went unheard.
                            waiters.wakeAll();
                        }
                    });
                    return connected.async().subscribe(channel).toCompletableFuture()
                            .orTimeout(timeout.multipliedBy(10).toMillis(), TimeUnit.MILLISECONDS);
                })
                .whenComplete((ignored, error) -> {
                    if (error == null) {
                        failedSubscriptions.set(0);
                        return;
                    }
                    log.debug("Could not subscribe to {} on Redlock node {}, retrying in the background: {}",
                            channel, address(), error.toString());
                    StatefulRedisPubSubConnection<String, String> failed = pubSub;
                    pubSub = null;
                    if (failed != null) {
                        failed.closeAsync();
                    }
                    later(() -> subscribe(channel, waiters), failedSubscriptions.incrementAndGet());
                });
    }

    /** Runs {@code retry} after the pause for the {@code failures}-th failure in a row, unless closed. */
    private void later(Runnable retry, int failures) {
        if (closed) {
            return;
        }
        long delay = Math.min(MAX_REDIAL_DELAY.toMillis(), FIRST_REDIAL_DELAY.toMillis() << Math.min(failures - 1, 10));
        try {
            resources.eventExecutorGroup().schedule(retry, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("Not retrying Redlock node {}: shutting down", address());
        }
    }

    @Override
    public void close() {
        closed = true;
        StatefulRedisPubSubConnection<String, String> subscribed = pubSub;
        if (subscribed != null) {
            subscribed.close();
        }
        closeWhenMade(connection.get());
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    /**
     * Closes {@code dialled} once it is made (at once if it is). A dial still in progress completes on
     * Lettuce's event loop, where a blocking close would wait for that same loop: the close is sent
     * without waiting.
     */
    static void closeWhenMade(CompletableFuture<? extends StatefulConnection<?, ?>> dialled) {
        dialled.thenAccept(StatefulConnection::closeAsync);
    }
}
