package dev.distlock.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEngine;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.LockBackendException;
import dev.distlock.testsupport.EtcdServerFixture;

/** The backend under the real engine, and with etcd authentication on. */
class EtcdEngineIT {

    @RegisterExtension
    static final EtcdServer etcd = new EtcdServer();

    @Test
    void engineMarksTheLeaseInvalidAsSoonAsEtcdRevokesIt() throws Exception {
        try (LockEngine engine = LockEngine.builder(new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()))).build()) {
            Lease lease = engine.tryAcquire("revoked", LockOptions.of(Duration.ofSeconds(30), Duration.ZERO)).orElseThrow();
            assertThat(lease.isValid()).isTrue();
            var node = etcd.inspector().getKVClient().get(ByteSequence.from("/distlock/", StandardCharsets.UTF_8),
                    GetOption.builder().isPrefix(true).build()).get(5, TimeUnit.SECONDS).getKvs().stream()
                    .filter(kv -> kv.getCreateRevision() == lease.fencingToken()).findFirst().orElseThrow();

            etcd.inspector().getLeaseClient().revoke(node.getLease()).get(5, TimeUnit.SECONDS);

            Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> !lease.isValid());
            lease.close();
        }
    }

    @Test
    void engineWaitsForAHeldLockThroughTheWatch() throws Exception {
        try (LockEngine first = LockEngine.builder(new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()))).build();
             LockEngine second = LockEngine.builder(new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()))).build()) {
            LockOptions fair = LockOptions.of(Duration.ofSeconds(30), Duration.ofSeconds(20)).withFair(true);
            Lease held = first.tryAcquire("queued", fair).orElseThrow();
            var waiting = java.util.concurrent.CompletableFuture.supplyAsync(() -> second.tryAcquire("queued", fair));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !second.waiters().isEmpty());
            held.close();
            Optional<Lease> next = waiting.get(20, TimeUnit.SECONDS);
            assertThat(next).isPresent();
            assertThat(next.get().fencingToken()).isGreaterThan(held.fencingToken());
            next.get().close();
        }
    }

    @Test
    void credentialsAreUsedWhenEtcdAuthenticationIsOn() throws Exception {
        try (EtcdServerFixture secured = EtcdServerFixture.start();
             Client admin = Client.builder().endpoints(secured.clientUrl()).build()) {
            ByteSequence root = ByteSequence.from("root", StandardCharsets.UTF_8);
            admin.getAuthClient().roleAdd(root).get(5, TimeUnit.SECONDS);
            admin.getAuthClient().userAdd(root, ByteSequence.from("s3cret", StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
            admin.getAuthClient().userGrantRole(root, root).get(5, TimeUnit.SECONDS);
            admin.getAuthClient().authEnable().get(5, TimeUnit.SECONDS);

            AcquireRequest request = new AcquireRequest("secured", "o:1", Duration.ofSeconds(10), false);
            try (EtcdLockBackend withCredentials = new EtcdLockBackend(EtcdSettings.of(secured.clientUrl())
                    .withCredentials("root", "s3cret"));
                 EtcdLockBackend without = new EtcdLockBackend(EtcdSettings.of(secured.clientUrl())
                         .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2)))) {
                assertThat(withCredentials.tryAcquire(request)).isInstanceOf(AcquireResult.Granted.class);
                assertThatThrownBy(() -> without.tryAcquire(new AcquireRequest("secured", "o:2", Duration.ofSeconds(10), false)))
                        .isInstanceOf(LockBackendException.class);
                assertThat(without.health().up()).isFalse();
            }
        }
    }
}
