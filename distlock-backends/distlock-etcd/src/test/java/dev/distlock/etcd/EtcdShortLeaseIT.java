package dev.distlock.etcd;

import static dev.distlock.testsupport.BackendCalls.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.distlock.spi.AcquireRequest;

/**
 * Leases shorter than etcd's minimum TTL, on a member with etcd's default election timeout (1 s),
 * whose minimum lease TTL is 2 s: a 1 s lock is granted a 2 s etcd lease.
 */
class EtcdShortLeaseIT {

    private static final Duration ONE_SECOND = Duration.ofSeconds(1);

    @RegisterExtension
    static final EtcdServer etcd = EtcdServer.withElectionTimeout(Duration.ofSeconds(1));

    @Test
    void leaseUnderEtcdsMinimumIsRenewedInPlace() throws Exception {
        try (EtcdLockBackend holder = new EtcdLockBackend(EtcdSettings.of(etcd.clientUrl()))) {
            String key = "short-lease";
            long token = token(holder.tryAcquire(new AcquireRequest(key, "h:1", ONE_SECOND, false)));
            KeyValue granted = node(key);
            assertThat(grantedTtl(granted.getLease())).as("etcd raised the 1 s lease to its minimum").isEqualTo(2);

            for (int renewal = 1; renewal <= 3; renewal++) {
                assertThat(holder.renew(key, "h:1", ONE_SECOND)).as("renewal %d", renewal).isTrue();
                KeyValue renewed = node(key);
                assertThat(renewed.getLease()).as("etcd lease after renewal %d", renewal).isEqualTo(granted.getLease());
                assertThat(renewed.getModRevision()).as("node rewritten by renewal %d", renewal)
                        .isEqualTo(granted.getModRevision());
                assertThat(renewed.getCreateRevision()).isEqualTo(token);
            }

            // Not renewed any more: gone once etcd's minimum has passed.
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> nodes(key).isEmpty());
            assertThat(holder.renew(key, "h:1", ONE_SECOND)).isFalse();
        }
    }

    private static KeyValue node(String key) throws Exception {
        List<KeyValue> nodes = nodes(key);
        assertThat(nodes).hasSize(1);
        return nodes.get(0);
    }

    private static List<KeyValue> nodes(String key) throws Exception {
        ByteSequence queue = ByteSequence.from(EtcdSettings.DEFAULT_KEY_PREFIX + "/" + EtcdKeyLayout.escape(key) + "/",
                StandardCharsets.UTF_8);
        return etcd.inspector().getKVClient().get(queue, GetOption.builder().isPrefix(true).build())
                .get(5, TimeUnit.SECONDS).getKvs();
    }

    private static long grantedTtl(long leaseId) throws Exception {
        return etcd.inspector().getLeaseClient().timeToLive(leaseId, LeaseOption.DEFAULT).get(5, TimeUnit.SECONDS).getGrantedTTL();
    }
}
