package dev.distlock.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;

import org.junit.jupiter.api.Test;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.BackendCapabilities.FencingStrength;
import dev.distlock.testsupport.EtcdServerFixture;

/** Construction, health and close; each test with its own etcd, since some kill it. */
class EtcdBackendLifecycleIT {

    @Test
    void backendOnTheApplicationsClientLeavesItOpen() throws Exception {
        try (EtcdServerFixture etcd = EtcdServerFixture.start();
             Client client = Client.builder().endpoints(etcd.clientUrl()).build()) {
            EtcdLockBackend backend = new EtcdLockBackend(client, "/app-locks", Duration.ofSeconds(2));
            assertThat(backend.tryAcquire(new AcquireRequest("k", "o:1", Duration.ofSeconds(10), false)))
                    .isInstanceOf(AcquireResult.Granted.class);
            assertThat(client.getKVClient().get(ByteSequence.from("/app-locks/k/o:1", StandardCharsets.UTF_8))
                    .get(5, TimeUnit.SECONDS).getCount()).isEqualTo(1);

            backend.close();

            // The client still works, and closing the backend gave up its lock at once.
            assertThat(client.getKVClient().get(ByteSequence.from("/app-locks/k/o:1", StandardCharsets.UTF_8))
                    .get(5, TimeUnit.SECONDS).getCount()).isZero();
        }
    }

    @Test
    void healthIsUpWhileEtcdAnswersAndDownSoonAfterItDies() {
        try (EtcdServerFixture etcd = EtcdServerFixture.start();
             EtcdLockBackend backend = new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl())
                     .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1)))) {
            assertThat(backend.name()).isEqualTo("etcd");
            assertThat(backend.capabilities().fair()).isTrue();
            assertThat(backend.capabilities().fencing()).isEqualTo(FencingStrength.STRONG);
            // The first call also connects, which on a loaded machine can take longer than the 1 s request timeout.
            BackendHealth up = await().atMost(Duration.ofSeconds(20)).until(backend::health, BackendHealth::up);
            assertThat(up.details()).containsKeys("endpoints", "revision", "memberId");

            etcd.process().kill();

            long started = System.nanoTime();
            BackendHealth down = backend.health();
            assertThat(down.up()).isFalse();
            assertThat(down.reason()).contains("etcd");
            // health() is bounded by the request timeout (1 s here), with room for a slow machine.
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(5);
        }
    }
}
