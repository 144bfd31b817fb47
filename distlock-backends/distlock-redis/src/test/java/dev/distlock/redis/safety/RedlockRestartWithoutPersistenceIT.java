package dev.distlock.redis.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEngine;
import dev.distlock.redis.RedlockLockBackend;
import dev.distlock.redis.RedlockSettings;
import dev.distlock.testsupport.FencedResource;
import dev.distlock.testsupport.RedisServerFixture;

/**
 * What Redlock cannot hold by design, shown rather than hidden. Nodes A, B, C. C is down when P takes
 * the lock, so P holds it on A and B only. C comes back, then A is killed and restarted. Without
 * persistence A forgot P's lock and its fence counter, and C never knew them: Q gets a majority
 * (A, C) while P still holds a valid lease, with a token LOWER than P's (A's and C's counters start
 * again from zero). Only the fenced resource stops Q's write. With the append-only file fsynced on every write, A remembers P after its
 * restart and Q is refused.
 */
class RedlockRestartWithoutPersistenceIT {

    private static final Duration LEASE = Duration.ofSeconds(20);
    private static final String KEY = "restart-without-persistence";
    /**
     * Grants before the faults, to raise the fence counters of A and B. Each node's counter also
     * advances on attempts that fall short of a majority, so Q's token (the largest of A's and C's,
     * which start again from zero) is lower than P's only while Q made fewer attempts than this.
     */
    private static final int TURNS = 30;

    private final List<RedisServerFixture> nodes = new ArrayList<>();
    private final List<LockEngine> engines = new ArrayList<>();
    private final List<RedlockLockBackend> backends = new ArrayList<>();

    @AfterEach
    void stop() {
        engines.forEach(LockEngine::close);
        backends.forEach(RedlockLockBackend::close);
        nodes.forEach(RedisServerFixture::close);
    }

    @Test
    void withoutPersistenceASecondHolderIsGrantedWithALowerTokenAndOnlyFencingStopsItsWrite() {
        startNodes(false);
        LockEngine p = client();
        FencedResource resource = new FencedResource();
        takeTurns(p, TURNS);

        Lease held = holdWithNodeCDown(p);
        assertThat(resource.write(KEY, held.fencingToken())).isTrue();
        restartNodeA();
        LockEngine q = client(); // e.g. a process starting now

        Optional<Lease> second = q.tryAcquire(KEY, LockOptions.of(LEASE, Duration.ofMillis(500)));

        assertThat(second).as("Q granted by A (restarted empty) and C (never saw P)").isPresent();
        assertThat(held.isValid()).as("P's lease, still within its time").isTrue();
        assertThat(second.get().fencingToken()).as("Q's token against P's").isLessThan(held.fencingToken());
        assertThat(resource.write(KEY, second.get().fencingToken())).as("Q's write, fenced").isFalse();
        assertThat(resource.rejectedStale()).isEqualTo(1);
        // P learns at its next renewal: only B still extends its lock.
        await().atMost(LEASE).until(() -> !held.isValid());
    }

    @Test
    void withAppendOnlyFsyncAlwaysTheRestartedNodeRemembersTheHolder() {
        startNodes(true);
        LockEngine p = client();
        takeTurns(p, TURNS);

        Lease held = holdWithNodeCDown(p);
        restartNodeA();
        LockEngine q = client();

        assertThat(q.tryAcquire(KEY, LockOptions.of(LEASE, Duration.ofMillis(500)))).isEmpty();
        assertThat(held.isValid()).isTrue();
        held.close();
        Optional<Lease> next = q.tryAcquire(KEY, LockOptions.of(LEASE, Duration.ofSeconds(2)));
        assertThat(next).isPresent();
        assertThat(next.get().fencingToken()).isGreaterThan(held.fencingToken());
    }

    private void startNodes(boolean durable) {
        for (int i = 0; i < 3; i++) {
            nodes.add(durable ? RedisServerFixture.startDurable() : RedisServerFixture.start());
        }
    }

    private LockEngine client() {
        RedlockLockBackend backend = new RedlockLockBackend(RedlockSettings.of(nodes.stream().map(RedisServerFixture::uri).toList())
                .withNodeTimeout(Duration.ofMillis(200)));
        backends.add(backend);
        // The nodes connect in the background; "no node answered" is an error, not a denial.
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.health().up());
        LockEngine engine = LockEngine.builder(backend).namespace("redlock-restart").build();
        engines.add(engine);
        return engine;
    }

    /** Raises every node's fence counter a little, as a history of earlier grants would. */
    private static void takeTurns(LockEngine engine, int times) {
        for (int i = 0; i < times; i++) {
            engine.acquire(KEY, LockOptions.of(LEASE, Duration.ofSeconds(2))).close();
        }
    }

    /** Node C is killed, P takes the lock on A and B, and C comes back (empty) while P holds it. */
    private Lease holdWithNodeCDown(LockEngine p) {
        nodes.get(2).kill();
        Lease held = p.acquire(KEY, LockOptions.of(LEASE, Duration.ofSeconds(2)));
        nodes.get(2).restart();
        return held;
    }

    private void restartNodeA() {
        nodes.get(0).kill();
        nodes.get(0).restart();
    }
}
