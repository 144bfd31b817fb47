package dev.distlock.redis;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.data.redis.core.StringRedisTemplate;

import dev.distlock.spi.support.DaemonThreads;

/**
 * Asks Redis, on a thread of its own and within a bound, whether it answers ({@code PING}) and how
 * it evicts ({@link RedisEvictionPolicy#read}), in one round of the same connection.
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
            return RedisEvictionPolicy.unknown(String.valueOf(e.getCause() != null ? e.getCause() : e));
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
