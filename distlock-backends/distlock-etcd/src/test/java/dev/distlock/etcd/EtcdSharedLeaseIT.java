package dev.distlock.etcd;

import static dev.distlock.testsupport.BackendCalls.owner;
import static dev.distlock.testsupport.BackendCalls.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
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
import dev.distlock.spi.RenewRequest;
import dev.distlock.spi.RenewResult;
import dev.distlock.testsupport.ChildJvm;
import dev.distlock.testsupport.FaultProxy;

/**
 * Locks of one lease length share one etcd lease that the backend keeps alive, and yet each lock
 * ends after its own lease: when its process freezes, and when the engine stops renewing it while
 * other locks keep the shared lease alive. Request counts come from the backend's own jetcd client.
 */
class EtcdSharedLeaseIT {

    private static final Duration MINUTE = Duration.ofSeconds(60);

    @RegisterExtension
    static final EtcdServer etcd = new EtcdServer();

    /** Takes {@code args[1]} and {@code args[2]} with a lease of {@code args[3]} through an engine, then holds them. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            LockEngine engine = LockEngine.builder(new EtcdLockBackend(EtcdSettings.of(args[0]))).build();
            LockOptions options = LockOptions.of(Duration.parse(args[3]), Duration.ZERO);
            Optional<Lease> first = engine.tryAcquireFullKey(args[1], options);
            Optional<Lease> second = engine.tryAcquireFullKey(args[2], options);
            System.out.println(first.isPresent() && second.isPresent() ? "held " + first.get().fencingToken() : "denied");
            new BufferedReader(new InputStreamReader(System.in)).readLine(); // hold until stopped
        }
    }

    @Test
    void locksOfOneLeaseLengthHeldAtOnceShareOneEtcdLease() throws Exception {
        EtcdLockBackend backend = backend(new EtcdRequests());
        String first = key();
        String second = key();
        String shorter = key();
        String unrenewed = key();
        token(backend.tryAcquire(new AcquireRequest(first, owner(), MINUTE, false)));
        token(backend.tryAcquire(new AcquireRequest(second, owner(), MINUTE, false)));
        token(backend.tryAcquire(new AcquireRequest(shorter, owner(), Duration.ofSeconds(20), false)));
        token(backend.tryAcquire(new AcquireRequest(unrenewed, owner(), MINUTE, false, false)));

        assertThat(leaseOf(second)).as("lease of the second lock of 60 s").isEqualTo(leaseOf(first)).isNotZero();
        assertThat(leaseOf(shorter)).as("a lock of 20 s").isNotEqualTo(leaseOf(first));
        assertThat(leaseOf(unrenewed)).as("a lock with autoRenew off has a lease of its own").isNotEqualTo(leaseOf(first));
    }

    @Test
    void uncontendedAcquireAndReleaseAreOnePutAndOneDelete() {
        EtcdRequests requests = new EtcdRequests();
        EtcdLockBackend backend = backend(requests);
        String warmUp = owner();
        token(backend.tryAcquire(new AcquireRequest(key(), warmUp, MINUTE, false))); // grants the shared lease, starts the watch
        String key = key();
        String owner = owner();
        Map<String, Long> before = requests.snapshot();

        token(backend.tryAcquire(new AcquireRequest(key, owner, MINUTE, false)));
        assertThat(backend.release(key, owner)).isTrue();

        Map<String, Long> sent = requests.since(before);
        sent.remove("etcdserverpb.Lease/LeaseKeepAlive"); // the shared lease's own keep-alive, on its timer
        assertThat(sent).as("requests for one uncontended acquire and release").isEqualTo(Map.of("etcdserverpb.KV/Txn", 2L));
    }

    @Test
    void lockNoLongerRenewedEndsAtItsTtlWhileAnotherLockKeepsTheSharedLeaseAlive() throws Exception {
        EtcdLockBackend holder = backend(new EtcdRequests());
        EtcdLockBackend other = backend(new EtcdRequests());
        Duration ttl = Duration.ofSeconds(2);
        String renewed = key();
        String abandoned = key();
        String renewedOwner = owner();
        long abandonedToken = token(holder.tryAcquire(new AcquireRequest(abandoned, owner(), ttl, false)));
        token(holder.tryAcquire(new AcquireRequest(renewed, renewedOwner, ttl, false)));
        assertThat(leaseOf(abandoned)).as("both locks on one shared lease").isEqualTo(leaseOf(renewed));

        // The engine renews one lock at a third of its lease and no longer renews the other.
        Awaitility.await("the lock no longer renewed is gone").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(600))
                .until(() -> {
                    assertThat(holder.renew(renewed, renewedOwner, ttl)).as("renewal of the lock still held").isTrue();
                    return nodes(abandoned).isEmpty();
                });

        assertThat(nodes(renewed)).as("the renewed lock").hasSize(1);
        assertThat(other.tryAcquire(new AcquireRequest(renewed, owner(), ttl, false))).isInstanceOf(AcquireResult.Denied.class);
        assertThat(token(other.tryAcquire(new AcquireRequest(abandoned, owner(), ttl, false)))).isGreaterThan(abandonedToken);
        assertThat(holder.release(renewed, renewedOwner)).isTrue();
    }

    @Test
    void frozenHolderLosesItsLocksAfterTheirLease() throws Exception {
        String key = key();
        String alsoHeld = key();
        Duration lease = Duration.ofSeconds(3);
        try (ChildJvm holder = ChildJvm.start(Holder.class, etcd.clientUrl(), key, alsoHeld, lease.toString())) {
            String held = holder.awaitLine("held", Duration.ofSeconds(60));
            assertThat(held).startsWith("held ");
            long frozenToken = Long.parseLong(held.substring("held ".length()).strip());
            assertThat(leaseOf(alsoHeld)).as("the holder's two locks on one shared lease").isEqualTo(leaseOf(key));
            EtcdLockBackend other = backend(new EtcdRequests());
            assertThat(other.tryAcquire(new AcquireRequest(key, owner(), lease, false))).isInstanceOf(AcquireResult.Denied.class);

            holder.pause();
            try {
                long token = Awaitility.await("the frozen holder's lock is granted to another owner")
                        .atMost(lease.plusSeconds(10)).pollInterval(Duration.ofMillis(200))
                        .until(() -> other.tryAcquire(new AcquireRequest(key, owner(), lease, false)),
                                AcquireResult.Granted.class::isInstance)
                        instanceof AcquireResult.Granted granted ? granted.fencingToken() : 0;
                assertThat(token).isGreaterThan(frozenToken);
            } finally {
                holder.resume();
                holder.kill();
            }
        }
    }

    @Test
    void renewalFailsRatherThanIsRefusedWhileTheSharedLeasesKeepAliveCannotReachEtcd() throws Exception {
        Duration ttl = Duration.ofSeconds(2);
        try (FaultProxy proxy = FaultProxy.to(URI.create(etcd.clientUrl()).getPort())) {
            EtcdLockBackend holder = etcd.backend(EtcdSettings.of("http://127.0.0.1:" + proxy.port()));
            String key = key();
            String owner = owner();
            token(holder.tryAcquire(new AcquireRequest(key, owner, ttl, false)));

            proxy.blackhole();
            // Until the keep-alive is known to fail the lock is still extended; then the answer is
            // "could not ask", never "not yours", so that the engine retries until its lease runs out.
            Awaitility.await("renewal fails with the keep-alive cut off").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        try {
                            assertThat(holder.renewWithValidity(key, owner, ttl).extended()).as("renewal answer").isTrue();
                            return false;
                        } catch (LockBackendException expected) {
                            return true;
                        }
                    });
            proxy.restore();
        }
    }

    @Test
    void renewAllOfAThousandLocksSendsNoRequestPerKey() {
        EtcdRequests requests = new EtcdRequests();
        EtcdLockBackend backend = backend(requests);
        List<RenewRequest> batch = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            String key = key();
            String owner = owner();
            token(backend.tryAcquire(new AcquireRequest(key, owner, MINUTE, false)));
            batch.add(new RenewRequest(key, owner, MINUTE));
        }
        Map<String, Long> before = requests.snapshot();

        List<RenewResult> answers = backend.renewAll(batch);

        assertThat(answers).hasSize(1_000).allMatch(RenewResult::extended);
        Map<String, Long> sent = requests.since(before);
        assertThat(sent.getOrDefault("etcdserverpb.Lease/LeaseKeepAlive", 0L))
                .as("keep-alives during the batch (the shared lease's own, one per 20 s)").isLessThanOrEqualTo(1L);
        sent.remove("etcdserverpb.Lease/LeaseKeepAlive");
        assertThat(sent).as("requests other than the shared lease's keep-alive for renewAll of 1,000 locks").isEmpty();
    }

    private static EtcdLockBackend backend(EtcdRequests requests) {
        return etcd.backend(builder -> builder.interceptor(requests));
    }

    private static String key() {
        return "shared:" + UUID.randomUUID();
    }

    private static long leaseOf(String key) throws Exception {
        List<KeyValue> nodes = nodes(key);
        assertThat(nodes).as("nodes of " + key).hasSize(1);
        return nodes.get(0).getLease();
    }

    private static List<KeyValue> nodes(String key) throws Exception {
        ByteSequence queue = ByteSequence.from(EtcdSettings.DEFAULT_KEY_PREFIX + "/" + EtcdKeyLayout.escape(key) + "/",
                StandardCharsets.UTF_8);
        return etcd.inspector().getKVClient().get(queue, GetOption.builder().isPrefix(true).build()).get(5, TimeUnit.SECONDS).getKvs();
    }
}
