package dev.distlock.redis;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.springframework.data.redis.core.StringRedisTemplate;

import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.support.Causes;
import dev.distlock.spi.support.DaemonThreads;

/**
 * Asks Redis, on a thread of its own and within a bound, whether it answers ({@code PING}) and how
 * it evicts ({@link RedisEvictionPolicy#read}), in one round of the same connection. The thread is
 * not only for health, which the health indicator bounds already: the start-up checks
 * ({@link #connectionFailure}, {@link #evictionPolicy}) run with no indicator around them.
 */
final class RedisHealthProbe implements AutoCloseable {

    /** What one probe found. */
    record Answer(String pong, RedisEvictionPolicy eviction, long millis) {
    }

    private final StringRedisTemplate redis;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(DaemonThreads.named("distlock-redis-health"));

    RedisHealthProbe(StringRedisTemplate redis) {
        this.redis = redis;
    }

    /** Throws {@link TimeoutException} when Redis did not answer PING within {@code wait}. */
    Answer probe(Duration wait) throws TimeoutException, InterruptedException, ExecutionException {
        long started = System.nanoTime();
        return thread.submit(() -> {
            String pong = redis.execute(connection -> connection.ping(), true);
            RedisEvictionPolicy eviction = redis.execute(RedisEvictionPolicy::read, true);
            return new Answer(pong, eviction, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }).get(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The eviction policy, or {@link RedisEvictionPolicy#known() unknown} saying why; never throws. */
    RedisEvictionPolicy evictionPolicy(Duration wait) {
        try {
            return thread.submit(() -> redis.execute(RedisEvictionPolicy::read, true)).get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return RedisEvictionPolicy.unknown("Redis did not answer within " + wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RedisEvictionPolicy.unknown("interrupted");
        } catch (ExecutionException | RuntimeException e) {
            return RedisEvictionPolicy.unknown(String.valueOf(Causes.unwrap(e)));
        }
    }

    /**
     * Why Redis does not answer now (a PING within {@code wait}), or empty when it does: for a
     * start-up check that tells a TLS failure, which never heals, from a Redis that is down.
     */
    Optional<Throwable> connectionFailure(Duration wait) {
        try {
            probe(wait);
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.of(Causes.unwrap(e));
        } catch (TimeoutException e) {
            return Optional.of(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(e);
        }
    }

    /**
     * UP with what one probe within {@code wait} found and the backend's {@code waiting} details, or
     * DOWN saying why; the eviction policy it read goes to {@code guard}. Never throws.
     */
    BackendHealth health(Duration wait, EvictionPolicyGuard guard, Supplier<Map<String, Object>> waiting) {
        try {
            Answer answer = probe(wait);
            guard.seen(answer.eviction());
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("mode", "single");
            details.put("ping", String.valueOf(answer.pong()));
            details.put("pingMillis", answer.millis());
            details.put("maxmemoryPolicy", answer.eviction().policy());
            details.put("maxmemory", answer.eviction().maxmemory());
            details.put("eviction", answer.eviction().consequence());
            details.putAll(waiting.get());
            return BackendHealth.up(details);
        } catch (TimeoutException e) {
            return BackendHealth.down("Redis did not answer PING within " + wait, Map.of("mode", "single"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return BackendHealth.down("Interrupted while asking Redis", Map.of("mode", "single"));
        } catch (Exception e) {
            return BackendHealth.down("Redis PING failed: " + Causes.unwrap(e), Map.of("mode", "single"));
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
