package dev.distlock.benchmarks.scale;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEngine;
import dev.distlock.etcd.EtcdLockBackend;
import dev.distlock.etcd.EtcdSettings;
import dev.distlock.redis.RedisLockBackend;
import dev.distlock.spi.LockBackend;
import dev.distlock.testsupport.EtcdServerFixture;
import dev.distlock.testsupport.RedisServerFixture;

/**
 * The scale target: one JVM holds many locks at once with short leases (3 s, auto-renewed), and this
 * counts the calls the store serves per second while they are held ({@link StoreCallCounter}: the
 * requests, and the round trips where the store tells them apart), against the number of locks held; and how many leases were lost. With
 * one renewal per lock per period (the engine renews at a third of the lease) the calls grow as
 * locks / 1 s; batched renewal grows by batches. Not JMH: the figure is a rate at the store, not a
 * time per call. scripts/benchmarks.sh runs it as the suite {@code scale}.
 *
 * <p>The engine sends the leases due in one sweep through {@code LockBackend.renewAll}, up to 500 per
 * call. What the store sees of one such call depends on the backend: a multi-key script is one
 * request and one round trip; a pipeline is one request per lease but one round trip (more for a
 * pipeline larger than the store's read buffer: counted as it reached the store, never fewer); the
 * default {@code renewAll}, one renewal after another, is one request and one round trip per lease.
 * So both figures are reported per lock and renewal period ({@code roundTripsPerLockPerPeriod},
 * {@code requestsPerLockPerPeriod}); the scale target (at most 0.1 store calls per lock per
 * period) is read on round trips, the calls the store waits on the network for.
 *
 * <p>Args: {@code <out.json> <measured seconds> <lock counts, comma-separated> <store>...}, stores
 * {@code redis} and {@code etcd}; e.g. {@code scale-run1.json 60 100,1000,10000 redis etcd}. Per store
 * and count, a server of its own: all locks are taken, one lease passes (renewal reaches its steady
 * state), then the calls over the measured window are counted and every lease is checked.
 */
public final class RenewalTraffic {

    static final Duration LEASE = Duration.ofSeconds(3);
    /** The engine renews each lease at least once per third of it. */
    static final Duration RENEWAL_PERIOD = LEASE.dividedBy(3);
    private static final LockOptions OPTIONS = LockOptions.of(LEASE, Duration.ofSeconds(1));

    private RenewalTraffic() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int seconds = Integer.parseInt(args[1]);
        List<Integer> counts = new ArrayList<>();
        for (String count : args[2].split(",")) {
            counts.add(Integer.parseInt(count.trim()));
        }
        ObjectMapper json = new ObjectMapper();
        json.configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
        ArrayNode results = json.createArrayNode();
        for (int i = 3; i < args.length; i++) {
            for (int locks : counts) {
                ObjectNode result = measure(json, args[i], locks, seconds);
                System.out.printf("%s, %d locks held: %.1f store calls/s, per lock and renewal period %.3f round trips"
                                + " and %.3f requests, %d lost%n", args[i], locks, result.get("callsPerSecond").asDouble(),
                        result.get("roundTripsPerLockPerPeriod").asDouble(), result.get("requestsPerLockPerPeriod").asDouble(),
                        result.get("lost").asInt());
                results.add(result);
                json.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), results);
            }
        }
        System.exit(0);
    }

    private static ObjectNode measure(ObjectMapper json, String store, int locks, int seconds) throws Exception {
        try (Store server = Store.start(store); LockEngine engine = LockEngine.builder(server.backend()).namespace("bench").build()) {
            long started = System.nanoTime();
            List<Lease> leases = new ArrayList<>(locks);
            for (int i = 0; i < locks; i++) {
                leases.add(engine.tryAcquire("scale-" + i, OPTIONS)
                        .orElseThrow(() -> new IllegalStateException("A free key was not granted")));
            }
            double acquireSeconds = (System.nanoTime() - started) / 1e9;
            TimeUnit.MILLISECONDS.sleep(LEASE.toMillis());
            StoreCallCounter.Snapshot before = server.counter().read();
            long windowStart = System.nanoTime();
            TimeUnit.SECONDS.sleep(seconds);
            StoreCallCounter.Snapshot after = server.counter().read();
            double window = (System.nanoTime() - windowStart) / 1e9;
            int lost = (int) leases.stream().filter(lease -> !lease.isValid()).count();
            leases.forEach(Lease::close);

            Map<String, Long> byCommand = new TreeMap<>();
            after.byCommand().forEach((command, calls) -> {
                long delta = calls - before.byCommand().getOrDefault(command, 0L);
                if (delta > 0) {
                    byCommand.put(command, delta);
                }
            });
            long total = after.requests() - before.requests();
            long roundTrips = after.roundTrips() - before.roundTrips() - server.counter().ownRoundTripsPerRead();
            double periods = window / (RENEWAL_PERIOD.toNanos() / 1e9);
            ObjectNode result = json.createObjectNode()
                    .put("store", store)
                    .put("locks", locks)
                    .put("leaseMillis", LEASE.toMillis())
                    .put("seconds", window)
                    .put("acquireSeconds", acquireSeconds)
                    .put("storeCalls", total)
                    .put("callsPerSecond", total / window)
                    .put("callsPerLockPerSecond", total / window / locks)
                    .put("roundTrips", roundTrips)
                    .put("roundTripsPerSecond", roundTrips / window)
                    .put("renewalPeriodMillis", RENEWAL_PERIOD.toMillis())
                    .put("roundTripsPerLockPerPeriod", roundTrips / periods / locks)
                    .put("requestsPerLockPerPeriod", total / periods / locks)
                    .put("lost", lost);
            ObjectNode commands = result.putObject("byCommand");
            byCommand.forEach(commands::put);
            return result;
        }
    }

    /** A server of its own, distlock's backend on it, and the counter at the server. */
    private record Store(AutoCloseable server, LockBackend backend, StoreCallCounter counter) implements AutoCloseable {

        static Store start(String store) {
            return switch (store) {
                case "redis" -> {
                    RedisServerFixture redis = RedisServerFixture.start();
                    LettuceConnectionFactory factory = new LettuceConnectionFactory(
                            new RedisStandaloneConfiguration(redis.host(), redis.port()));
                    factory.afterPropertiesSet();
                    factory.start();
                    StoreCallCounter counter = StoreCallCounter.redis(redis.uri(), factory.getRequiredNativeClient());
                    yield new Store(() -> {
                        factory.destroy();
                        redis.close();
                    }, new RedisLockBackend(factory), counter);
                }
                case "etcd" -> {
                    EtcdServerFixture etcd = EtcdServerFixture.start();
                    yield new Store(etcd, new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl())),
                            StoreCallCounter.etcd(etcd.clientUrl()));
                }
                default -> throw new IllegalArgumentException("No store '" + store + "' (redis, etcd)");
            };
        }

        @Override
        public void close() throws Exception {
            try (AutoCloseable stopping = server; StoreCallCounter counting = counter) {
                backend.close();
            }
        }
    }
}
