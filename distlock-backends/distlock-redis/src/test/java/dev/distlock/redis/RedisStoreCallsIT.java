package dev.distlock.redis;

import static dev.distlock.testsupport.BackendCalls.owner;
import static dev.distlock.testsupport.BackendCalls.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.RenewRequest;
import dev.distlock.spi.RenewResult;
import dev.distlock.testsupport.RedisServerFixture;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

/**
 * What the Redis backends cost the store, counted by the servers themselves ({@code INFO
 * commandstats}, which also counts the commands a script runs inside): an uncontended lock and
 * unlock is two script calls, and renewing many held locks a handful, not one per lock. Both
 * backends send Redis nothing but scripts (EVALSHA, EVAL after NOSCRIPT).
 */
class RedisStoreCallsIT {

    private static final int HELD = 1_000;
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Pattern CALLS = Pattern.compile("^cmdstat_(\\w+):calls=(\\d+)", Pattern.MULTILINE);

    @RegisterExtension
    static final RedlockServers redlockServers = new RedlockServers(3);

    @RegisterExtension
    static final RedisServer redis = new RedisServer();

    @Test
    void anUncontendedLockAndUnlockAreTwoScriptCallsAndReadNoClock() {
        try (RedisLockBackend backend = new RedisLockBackend(redis.connectionFactory())) {
            String owner = owner();
            String key = "uncontended:" + UUID.randomUUID();
            token(backend.tryAcquire(new AcquireRequest(key, owner, LEASE, false))); // scripts loaded, deployment known
            backend.release(key, owner);

            Map<String, Long> before = commandStats(redis.fixture());
            for (int i = 0; i < 10; i++) {
                token(backend.tryAcquire(new AcquireRequest(key, owner, LEASE, false)));
                assertThat(backend.release(key, owner)).isTrue();
            }
            Map<String, Long> after = commandStats(redis.fixture());

            assertThat(delta(before, after, "evalsha") + delta(before, after, "eval"))
                    .as("scripts for 10 locks and unlocks").isEqualTo(20);
            assertThat(delta(before, after, "time")).as("clock reads of releases nobody waited for").isZero();
        }
    }

    @Test
    void renewingAThousandHeldLocksTakesAHandfulOfCalls() {
        try (RedisLockBackend backend = new RedisLockBackend(redis.connectionFactory())) {
            List<RenewRequest> renewals = holdMany(backend);

            long before = commandCalls(redis.fixture());
            List<RenewResult> answers = backend.renewAll(renewals);
            long calls = commandCalls(redis.fixture()) - before;

            assertThat(answers).hasSize(HELD).allMatch(RenewResult::extended);
            assertThat(calls).as("scripts the server ran to renew %d locks", HELD).isLessThanOrEqualTo(5);
        }
    }

    @Test
    void redlockRenewsAThousandHeldLocksWithAHandfulOfCallsPerNode() {
        try (RedlockLockBackend backend = new RedlockLockBackend(redlockServers.settings())) {
            List<RenewRequest> renewals = holdMany(backend);

            List<Long> before = redlockServers.all().stream().map(RedisStoreCallsIT::commandCalls).toList();
            List<RenewResult> answers = backend.renewAll(renewals);
            List<RedisServerFixture> nodes = redlockServers.all();
            for (int i = 0; i < nodes.size(); i++) {
                assertThat(commandCalls(nodes.get(i)) - before.get(i))
                        .as("scripts node %d ran to renew %d locks", i, HELD).isLessThanOrEqualTo(5);
            }
            assertThat(answers).hasSize(HELD).allMatch(RenewResult::extended)
                    .allMatch(answer -> answer.validity() != null && answer.validity().compareTo(LEASE) < 0);
        }
    }

    private static List<RenewRequest> holdMany(LockBackend backend) {
        String owner = owner();
        List<RenewRequest> renewals = new ArrayList<>();
        for (int i = 0; i < HELD; i++) {
            String key = "renew-all:" + UUID.randomUUID();
            token(backend.tryAcquire(new AcquireRequest(key, owner, LEASE, false)));
            renewals.add(new RenewRequest(key, owner, LEASE));
        }
        return renewals;
    }

    /** The scripts the server ran for its clients so far. */
    private static long commandCalls(RedisServerFixture redis) {
        Map<String, Long> stats = commandStats(redis);
        return stats.getOrDefault("evalsha", 0L) + stats.getOrDefault("eval", 0L);
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, String command) {
        return after.getOrDefault(command, 0L) - before.getOrDefault(command, 0L);
    }

    /** Calls per command so far, scripts' inner commands included. */
    private static Map<String, Long> commandStats(RedisServerFixture redis) {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            Matcher stats = CALLS.matcher(connection.sync().info("commandstats"));
            Map<String, Long> calls = new HashMap<>();
            while (stats.find()) {
                calls.put(stats.group(1), Long.parseLong(stats.group(2)));
            }
            return calls;
        } finally {
            client.shutdown();
        }
    }
}
