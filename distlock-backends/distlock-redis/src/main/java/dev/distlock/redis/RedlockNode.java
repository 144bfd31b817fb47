package dev.distlock.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One independent Redis node of a {@link RedlockLockBackend}, on a plain Lettuce client. Commands
 * fail fast while the node is down (no buffering until it returns: a late "yes" is worthless to
 * Redlock), and the connection is re-established on the next call after a failed connect.
 */
final class RedlockNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedlockNode.class);

    private final RedisURI uri;
    private final RedisClient client;
    private final Duration timeout;
    private CompletableFuture<StatefulRedisConnection<String, String>> connection;
    private StatefulRedisPubSubConnection<String, String> pubSub;
    private boolean closed;

    /** {@code ssl}: trust and keys for a {@code rediss://} node, or null for the JDK's defaults. */
    RedlockNode(String uri, ClientResources resources, Duration timeout, SslOptions ssl) {
        this.uri = RedisURI.create(uri);
        this.uri.setTimeout(timeout);
        this.timeout = timeout;
        this.client = RedisClient.create(resources, this.uri);
        ClientOptions.Builder options = ClientOptions.builder();
        if (ssl != null) {
            options.sslOptions(ssl);
        }
        client.setOptions(options
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(timeout.multipliedBy(10)).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
    }

    /** host:port for health details and messages (never the password). */
    String address() {
        return uri.getHost() + ":" + uri.getPort();
    }

    /** Runs {@code script} on this node; the future fails after the node timeout. */
    <T> CompletableFuture<T> run(LettuceScript script, String[] keys, String... args) {
        CompletableFuture<T> result = connection()
                .thenCompose(connected -> script.<T>run(connected.async(), keys, args));
        return result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
     * Subscribes this node's pub/sub connection to {@code channel}, once; Lettuce re-subscribes
     * after a reconnect by itself. Returns false when the node cannot be reached now.
     */
    synchronized boolean listen(String channel, ReleaseWaiters waiters, Duration wait) {
        if (pubSub != null) {
            // Once made, Lettuce keeps reconnecting and re-subscribing it by itself.
            return pubSub.isOpen();
        }
        if (closed) {
            return false;
        }
        try {
            pubSub = client.connectPubSubAsync(StringCodec.UTF8, uri).get(wait.toMillis(), TimeUnit.MILLISECONDS);
            pubSub.addListener(new RedisPubSubAdapter<>() {
                private boolean subscribedOnce;

                @Override
                public void message(String from, String key) {
                    waiters.keyMayBeFree(key);
                }

                @Override
                public void subscribed(String subscribedChannel, long count) {
                    if (subscribedOnce) {
                        // Re-subscribed after a reconnect: releases in the gap were lost.
                        waiters.everyKeyMayBeFree();
                    }
                    subscribedOnce = true;
                }
            });
            pubSub.async().subscribe(channel).get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            log.debug("Could not subscribe to {} on {}: {}", channel, address(), e.toString());
            if (pubSub != null) {
                pubSub.closeAsync();
                pubSub = null;
            }
            return false;
        }
    }

    /**
     * Starts connecting without waiting, so that the set-up (class loading, TLS, HELLO) is not
     * paid inside the first attempt, where it would eat the lock's validity.
     */
    void connectInBackground() {
        connection();
    }

    private synchronized CompletableFuture<StatefulRedisConnection<String, String>> connection() {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("backend closed"));
        }
        if (connection == null || connection.isCompletedExceptionally()) {
            // A node that was down at the last try is dialled again; once connected, Lettuce reconnects by itself.
            connection = client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
        }
        return connection;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        if (pubSub != null) {
            pubSub.close();
        }
        if (connection != null && connection.isDone() && !connection.isCompletedExceptionally()) {
            connection.join().close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
