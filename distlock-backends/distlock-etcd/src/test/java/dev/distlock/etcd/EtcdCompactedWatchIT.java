package dev.distlock.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.GetOption;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEngine;
import dev.distlock.testsupport.FaultProxy;

/**
 * etcd cancels a watch whose start revision is older than its compacted revision. jetcd resumes a
 * held node's watch from its last revision after a lost connection, so a connection cut while etcd
 * compacts past that revision ends the watch that reports the lock's loss. The holder must still
 * learn of a loss, well before the next renewal (a third of the 60 s lease), and must not take the
 * ended watch for one. The holder reaches etcd through a fault proxy; the test's own client does not.
 */
class EtcdCompactedWatchIT {

    private static final LockOptions MINUTE = LockOptions.of(Duration.ofSeconds(60), Duration.ZERO);

    @RegisterExtension
    static final EtcdServer etcd = new EtcdServer();
    private FaultProxy proxy;
    private EtcdLockBackend backend;
    private LockEngine engine;

    @BeforeEach
    void startHolder() {
        proxy = FaultProxy.to(URI.create(etcd.clientUrl()).getPort());
        backend = new EtcdLockBackend(EtcdSettings.of("http://127.0.0.1:" + proxy.port()));
        engine = LockEngine.builder(backend).build();
    }

    @AfterEach
    void stopHolder() {
        engine.close();
        backend.close();
        proxy.close();
    }

    @Test
    void lossIsReportedAfterEtcdCancelledTheCompactedWatch() throws Exception {
        Lease lease = engine.tryAcquire("compacted-and-lost", MINUTE).orElseThrow();
        long leaseId = nodeOf(lease).getLease();

        proxy.cut();
        etcd.inspector().getLeaseClient().revoke(leaseId).get(5, TimeUnit.SECONDS);
        compactEverything();
        proxy.restore();

        Awaitility.await("lease invalid after its node was deleted and the deletion compacted away")
                .atMost(Duration.ofSeconds(10)).until(() -> !lease.isValid());
        lease.close();
    }

    @Test
    void heldLockStaysValidWhenEtcdCancelledItsWatchAndALaterLossIsStillReported() throws Exception {
        Lease lease = engine.tryAcquire("compacted-and-held", MINUTE).orElseThrow();
        long leaseId = nodeOf(lease).getLease();

        proxy.cut();
        compactEverything();
        proxy.restore();

        Awaitility.await("the held node's watch restarted after etcd cancelled it")
                .atMost(Duration.ofSeconds(10))
                .until(() -> Long.valueOf(1).equals(backend.health().details().get("heldWatchesRestarted")));
        assertThat(lease.isValid()).isTrue();

        etcd.inspector().getLeaseClient().revoke(leaseId).get(5, TimeUnit.SECONDS);
        Awaitility.await("lease invalid after a revoke").atMost(Duration.ofSeconds(3)).until(() -> !lease.isValid());
        lease.close();
    }

    /**
     * Two writes elsewhere, then a physical compaction up to the newest revision: every revision the
     * held node's watch could resume from is gone, and so is any deletion before the writes.
     */
    private static void compactEverything() throws Exception {
        etcd.inspector().getKVClient().put(bytes("/elsewhere"), bytes("1")).get(5, TimeUnit.SECONDS);
        long revision = etcd.inspector().getKVClient().put(bytes("/elsewhere"), bytes("2")).get(5, TimeUnit.SECONDS)
                .getHeader().getRevision();
        etcd.inspector().getKVClient().compact(revision, CompactOption.builder().withCompactPhysical(true).build())
                .get(5, TimeUnit.SECONDS);
    }

    private static KeyValue nodeOf(Lease lease) throws Exception {
        return etcd.inspector().getKVClient().get(bytes(EtcdSettings.DEFAULT_KEY_PREFIX + "/"), GetOption.builder().isPrefix(true).build())
                .get(5, TimeUnit.SECONDS).getKvs().stream()
                .filter(kv -> kv.getCreateRevision() == lease.fencingToken())
                .findFirst().orElseThrow();
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
