package dev.distlock.autoconfigure.actuate;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import dev.distlock.inmemory.InMemoryLockBackend;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.BackendCapabilities;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.LockBackend;

import static org.assertj.core.api.Assertions.assertThat;

class DistributedLockHealthIndicatorTest {

    private final CountDownLatch unblock = new CountDownLatch(1);

    @AfterEach
    void unblockHangingChecks() {
        unblock.countDown();
    }

    @Test
    void upWithTheBackendsDetailsWhenItAnswers() {
        Health health = new DistributedLockHealthIndicator(new InMemoryLockBackend(), Duration.ofSeconds(2)).health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("backend", "in-memory").containsEntry("scope", "this JVM only");
    }

    @Test
    void selectionDetailsAreShownWhetherTheBackendAnswersOrNot() {
        Map<String, String> selection = Map.of("selection", "explicit: distlock.backend=in-memory");
        Health up = new DistributedLockHealthIndicator(new InMemoryLockBackend(), Duration.ofSeconds(2), selection).health();
        assertThat(up.getDetails()).containsEntry("scope", "this JVM only").containsAllEntriesOf(selection);
        LockBackend hanging = backend(() -> {
            awaitQuietly(unblock);
            return BackendHealth.up(Map.of());
        });
        Health down = new DistributedLockHealthIndicator(hanging, Duration.ofMillis(50), selection).health();
        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
        assertThat(down.getDetails()).containsAllEntriesOf(selection);
    }

    @Test
    void downWithTheReasonAndDetailsWhenTheBackendSaysSo() {
        LockBackend backend = backend(() -> BackendHealth.down("no quorum: 1 of 3 nodes answer", Map.of("answering", 1)));
        Health health = new DistributedLockHealthIndicator(backend, Duration.ofSeconds(2)).health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("reason", "no quorum: 1 of 3 nodes answer")
                .containsEntry("answering", 1).containsEntry("backend", "stub");
    }

    @Test
    void downWhenTheBackendDoesNotAnswerWithinTheTimeoutAndTheCallReturnsMeanwhile() {
        LockBackend backend = backend(() -> {
            awaitQuietly(unblock);
            return BackendHealth.up(Map.of());
        });
        // The call returning at all (the backend is still blocked) is what this proves.
        Health health = new DistributedLockHealthIndicator(backend, Duration.ofMillis(50)).health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails().get("reason")).asString().contains("did not answer within PT0.05S");
    }

    @Test
    void aHangingBackendIsAskedOnceNotOncePerRequest() {
        AtomicInteger checks = new AtomicInteger();
        LockBackend backend = backend(() -> {
            checks.incrementAndGet();
            awaitQuietly(unblock);
            return BackendHealth.up(Map.of());
        });
        DistributedLockHealthIndicator indicator = new DistributedLockHealthIndicator(backend, Duration.ofMillis(20));
        for (int i = 0; i < 5; i++) {
            assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
        }
        assertThat(checks).hasValue(1);
        unblock.countDown();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> indicator.health().getStatus().equals(Status.UP));
    }

    @Test
    void downWhenTheBackendsCheckThrowsAlthoughItShouldNot() {
        LockBackend backend = backend(() -> {
            throw new IllegalStateException("connection pool closed");
        });
        Health health = new DistributedLockHealthIndicator(backend, Duration.ofSeconds(2)).health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails().get("reason")).asString().contains("connection pool closed");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static LockBackend backend(Supplier<BackendHealth> health) {
        return new LockBackend() {
            @Override
            public String name() {
                return "stub";
            }

            @Override
            public BackendCapabilities capabilities() {
                return new BackendCapabilities(false, BackendCapabilities.FencingStrength.LOCAL);
            }

            @Override
            public AcquireResult tryAcquire(AcquireRequest request) {
                return AcquireResult.denied();
            }

            @Override
            public boolean renew(String key, String owner, Duration ttl) {
                return false;
            }

            @Override
            public boolean release(String key, String owner) {
                return false;
            }

            @Override
            public BackendHealth health() {
                return health.get();
            }
        };
    }
}
