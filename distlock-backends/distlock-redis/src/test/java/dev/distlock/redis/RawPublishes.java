package dev.distlock.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * Every message published on one Redis server, seen by a raw pattern subscription ({@code PSUBSCRIBE *}).
 * {@link #publishedUntilNow()} publishes a marker and returns what came before it: Redis delivers
 * one connection's messages in the order it executed the publishes, so nothing published before
 * the marker can arrive after it.
 */
final class RawPublishes implements AutoCloseable {

    /** One published message. */
    record Published(String channel, String message) {
    }

    private final RedisClient client;
    private final StatefulRedisPubSubConnection<String, String> connection;
    private final LinkedBlockingQueue<Published> received = new LinkedBlockingQueue<>();

    RawPublishes(String uri) {
        client = RedisClient.create(uri);
        connection = client.connectPubSub();
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String pattern, String channel, String message) {
                received.add(new Published(channel, message));
            }
        });
        connection.sync().psubscribe("*");
    }

    /** The messages published since the last call (or since this was made), in order. */
    List<Published> publishedUntilNow() throws InterruptedException {
        String marker = "distlock-test-marker:" + UUID.randomUUID();
        try (StatefulRedisPubSubConnection<String, String> publisher = client.connectPubSub()) {
            publisher.sync().publish(marker, "marker");
        }
        List<Published> before = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            Published next = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (next == null) {
                throw new AssertionError("The marker published on " + marker + " did not arrive within 10 s");
            }
            if (next.channel().equals(marker)) {
                return before;
            }
            before.add(next);
        }
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
