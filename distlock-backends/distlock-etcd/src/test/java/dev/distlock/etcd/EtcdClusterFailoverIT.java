package dev.distlock.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.etcd.jetcd.Client;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.testsupport.EtcdClusterFixture;
import dev.distlock.testsupport.FencedResource;

/** A 3-member etcd cluster whose leader is killed (kill -9) while four contenders take turns. */
class EtcdClusterFailoverIT {

    private static EtcdClusterFixture cluster;

    @BeforeAll
    static void startCluster() {
        cluster = EtcdClusterFixture.start(3);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Test
    void locksAreStillGrantedAfterTheLeaderIsKilledAndTokensKeepGrowing() throws Exception {
        String key = "failover:" + UUID.randomUUID();
        FencedResource resource = new FencedResource();
        AtomicBoolean leaderKilled = new AtomicBoolean();
        AtomicInteger grantsAfterKill = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicLong highestToken = new AtomicLong();
        List<EtcdLockBackend> backends = new ArrayList<>();
        ExecutorService workers = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                EtcdLockBackend backend = new EtcdLockBackend(EtcdSettings.of(cluster.clientUrls().toArray(String[]::new))
                        .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2)));
                backends.add(backend);
                String instance = "w" + w;
                boolean fair = w % 2 == 0;
                results.add(workers.submit(() -> {
                    long lastToken = 0;
                    for (int i = 0; !stop.get(); i++) {
                        String owner = instance + ":" + i;
                        OptionalLong token = BlockingAcquirer.acquire(backend,
                                new AcquireRequest(key, owner, Duration.ofSeconds(5), fair), Duration.ofSeconds(10));
                        if (token.isEmpty()) {
                            continue;
                        }
                        assertThat(token.getAsLong()).isGreaterThan(lastToken);
                        lastToken = token.getAsLong();
                        highestToken.accumulateAndGet(lastToken, Math::max);
                        if (inside.incrementAndGet() > 1) {
                            overlaps.incrementAndGet();
                        }
                        resource.write(key, lastToken);
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // the protected work
                        inside.decrementAndGet();
                        if (leaderKilled.get()) {
                            grantsAfterKill.incrementAndGet();
                        }
                        BlockingAcquirer.release(backend, key, owner);
                    }
                    return lastToken;
                }));
            }
            Awaitility.await("grants before the kill").atMost(Duration.ofSeconds(20)).until(() -> resource.accepted() >= 20);
            long tokenBeforeKill = highestToken.get();
            int leader = leaderIndex();
            cluster.kill(leader);
            leaderKilled.set(true);
            System.out.printf("etcd failover: killed leader m%d after %d grants (highest token %d)%n",
                    leader, resource.accepted(), tokenBeforeKill);
            Awaitility.await("grants after the leader was killed").atMost(Duration.ofSeconds(30))
                    .until(() -> grantsAfterKill.get() >= 20);
            stop.set(true);
            for (Future<Long> result : results) {
                result.get(30, TimeUnit.SECONDS);
            }
            System.out.printf("etcd failover: %d grants in all, %d after the kill, highest token %d%n",
                    resource.accepted(), grantsAfterKill.get(), highestToken.get());
            assertThat(highestToken.get()).isGreaterThan(tokenBeforeKill);
            assertThat(overlaps).hasValue(0);
            assertThat(resource.rejectedStale()).isZero();
            assertThat(resource.counter(key)).isEqualTo(resource.accepted());
        } finally {
            stop.set(true);
            workers.shutdownNow();
            workers.awaitTermination(10, TimeUnit.SECONDS);
            backends.forEach(EtcdLockBackend::close);
        }
    }

    /** The member that every live member names as leader. */
    private static int leaderIndex() throws Exception {
        for (int i = 0; i < cluster.size(); i++) {
            try (Client client = Client.builder().endpoints(cluster.clientUrl(i)).build()) {
                var status = client.getMaintenanceClient().statusMember(cluster.clientUrl(i)).get(5, TimeUnit.SECONDS);
                if (status.getLeader() == status.getHeader().getMemberId()) {
                    return i;
                }
            }
        }
        throw new IllegalStateException("No member says it is the leader");
    }
}
