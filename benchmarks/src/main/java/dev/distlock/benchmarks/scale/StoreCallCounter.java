package dev.distlock.benchmarks.scale;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;

/**
 * Counts the calls a store has served, read at the store itself where it can tell (see
 * {@link #redis}), so that what is counted is what reached it, pipelined or batched calls included.
 */
interface StoreCallCounter extends AutoCloseable {

    /**
     * The store's counters now.
     *
     * @param requests   requests so far, one per command or call: the figure of the benchmark
     * @param roundTrips how many times the store read requests off its connections so far (a pipelined
     *                   batch is one), or the requests where the store cannot tell
     * @param byCommand  what the store executed so far, by command or method, for reading where the calls go
     */
    record Snapshot(long requests, long roundTrips, Map<String, Long> byCommand) {
    }

    Snapshot read();

    /** Round trips the counter's own read adds between two snapshots. */
    default long ownRoundTripsPerRead() {
        return 0;
    }

    @Override
    void close();

    /**
     * Redis. Requests: the commands the backend's Lettuce client sent, counted by a
     * {@link CommandListener} on it (the one count not taken at the store: Redis's own
     * {@code total_commands_processed} and {@code INFO commandstats} also count the commands that a
     * Lua script runs inside it, so they cannot tell one script call from its five inner commands).
     * Round trips: {@code total_reads_processed} of {@code INFO stats}, the read events on client
     * connections: one per request of a client that waits for each reply, one per batch of
     * pipelined ones (Lettuce's shared connection also writes concurrent commands together; a
     * pipeline larger than Redis's 16 KB read buffer may take several reads and count as several,
     * never as fewer). A multi-key script renewing a whole batch is one request and one read. By
     * command: {@code INFO commandstats}, {@code INFO} itself left out. One {@code INFO all} per read.
     *
     * @param client the backend's client, before it made its connections (listeners join at connect)
     */
    static StoreCallCounter redis(String uri, AbstractRedisClient client) {
        AtomicLong sent = new AtomicLong();
        client.addListener(new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                sent.incrementAndGet();
            }
        });
        Pattern line = Pattern.compile("^cmdstat_([^:]+):calls=(\\d+)", Pattern.MULTILINE);
        Pattern reads = Pattern.compile("^total_reads_processed:(\\d+)", Pattern.MULTILINE);
        RedisClient reader = RedisClient.create(uri);
        StatefulRedisConnection<String, String> connection = reader.connect();
        return new StoreCallCounter() {
            @Override
            public Snapshot read() {
                String info = connection.sync().info("all");
                Map<String, Long> calls = new TreeMap<>();
                Matcher stat = line.matcher(info);
                while (stat.find()) {
                    if (!stat.group(1).equals("info")) {
                        calls.put(stat.group(1), Long.parseLong(stat.group(2)));
                    }
                }
                Matcher total = reads.matcher(info);
                if (!total.find()) {
                    throw new IllegalStateException("INFO has no total_reads_processed (Redis 6 or later needed)");
                }
                return new Snapshot(sent.get(), Long.parseLong(total.group(1)), calls);
            }

            @Override
            public long ownRoundTripsPerRead() {
                return 1;
            }

            @Override
            public void close() {
                connection.close();
                reader.shutdown(0, 2, TimeUnit.SECONDS);
            }
        };
    }

    /**
     * etcd: its Prometheus metrics on the client URL, {@code grpc_server_msg_received_total} per
     * method: one message per unary call, one per request on a stream (each lease keep-alive, each
     * watch request); requests are their sum. Read over HTTP, so not counted itself.
     */
    static StoreCallCounter etcd(String clientUrl) {
        Pattern line = Pattern.compile(
                "^grpc_server_msg_received_total\\{[^}]*grpc_method=\"([^\"]+)\"[^}]*} ([0-9.e+]+)$", Pattern.MULTILINE);
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest metrics = HttpRequest.newBuilder(URI.create(clientUrl + "/metrics")).GET().build();
        return new StoreCallCounter() {
            @Override
            public Snapshot read() {
                try {
                    String body = http.send(metrics, HttpResponse.BodyHandlers.ofString()).body();
                    Map<String, Long> calls = new TreeMap<>();
                    Matcher metric = line.matcher(body);
                    while (metric.find()) {
                        calls.merge(metric.group(1), (long) Double.parseDouble(metric.group(2)), Long::sum);
                    }
                    long requests = calls.values().stream().mapToLong(Long::longValue).sum();
                    return new Snapshot(requests, requests, calls);
                } catch (IOException e) {
                    throw new IllegalStateException("Could not read etcd's metrics at " + clientUrl, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void close() {
                // Java 17's HttpClient has nothing to close; its threads end with it
            }
        };
    }
}
