package dev.distlock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import dev.distlock.spi.ReleaseNotifications.Subscription;
import dev.distlock.spi.support.WaiterRegistry;

/**
 * Single node: the background re-registration of release interests against the withdrawal by the
 * last local waiter, forced into the interleaving that once left a {@code :waiters} key behind.
 */
class ReleaseInterestsIT {

    @RegisterExtension
    static final RedisServer server = new RedisServer();

    @AfterEach
    void flush() {
        server.flushAll();
    }

    @Test
    void refreshOverlappingTheLastWithdrawalLeavesNoInterestBehind() throws InterruptedException {
        LettuceConnectionFactory connectionFactory = server.connectionFactory();
        RefreshHoldingTemplate template = new RefreshHoldingTemplate(connectionFactory);
        String key = "orders:pay:42";
        try (ReleaseInterests interests = new ReleaseInterests(template, connectionFactory, connectionFactory,
                RedisSettings.defaults(), () -> RedisDeployment.SINGLE, new WaiterRegistry<>())) {
            Subscription subscription = interests.subscribe(key, "waiter", false, () -> { });
            // The confirmed subscription refreshes every interest: that refresh has seen the waiter and is held
            // just before it registers the interest again.
            assertThat(template.refreshHeld.await(30, TimeUnit.SECONDS)).isTrue();

            subscription.close();
            assertThat(server.template().hasKey(RedisKeyLayout.of(key).waiters())).as("withdrawn by the last waiter").isFalse();
            template.refreshGoesOn.countDown();
            interests.awaitRefreshes();

            assertThat(server.template().hasKey(RedisKeyLayout.of(key).waiters()))
                    .as("the refresh that overlapped the withdrawal left no interest behind")
                    .isFalse();
        }
    }

    /** Holds the first interest refresh made off the caller's thread until the test lets it go on. */
    private static final class RefreshHoldingTemplate extends StringRedisTemplate {

        final CountDownLatch refreshHeld = new CountDownLatch(1);
        final CountDownLatch refreshGoesOn = new CountDownLatch(1);
        private final AtomicBoolean held = new AtomicBoolean();
        private final Thread testThread = Thread.currentThread();

        RefreshHoldingTemplate(LettuceConnectionFactory connectionFactory) {
            super(connectionFactory);
        }

        @Override
        public <T> T execute(RedisScript<T> script, List<String> keys, Object... args) {
            if (Thread.currentThread() != testThread && held.compareAndSet(false, true)) {
                refreshHeld.countDown();
                try {
                    if (!refreshGoesOn.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never let the refresh go on");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            return super.execute(script, keys, args);
        }
    }
}
