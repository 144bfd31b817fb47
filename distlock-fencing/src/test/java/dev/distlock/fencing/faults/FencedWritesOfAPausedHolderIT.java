package dev.distlock.fencing.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import dev.distlock.Lease;
import dev.distlock.LockContext;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEngine;
import dev.distlock.fencing.jdbc.FencedJdbc;
import dev.distlock.fencing.redis.FencedRedis;
import dev.distlock.jdbc.JdbcDialect;
import dev.distlock.jdbc.JdbcLockBackend;
import dev.distlock.jdbc.JdbcSettings;
import dev.distlock.testsupport.ChildJvm;
import dev.distlock.testsupport.PostgresTestDatabase;
import dev.distlock.testsupport.RedisServerFixture;

/**
 * The proof that the helpers protect by themselves: a holder in a child JVM ({@link StaleWriterClient})
 * is SIGSTOPped past its lease (1 s, on the JDBC backend on PostgreSQL) while a second holder in this
 * JVM is granted the lock and writes through FencedJdbc (PostgreSQL) and FencedRedis (a redis-server of
 * the test's own); then SIGCONT, and the paused holder writes through the same helpers with its old
 * token. Every one of its writes must be refused, and it must be told by StaleLockTokenException with
 * the newer token; under {@code fenced = true} its writes must not even be sent.
 */
class FencedWritesOfAPausedHolderIT {

    static final String NAMESPACE = "proof";
    static final String TABLE = "ledger";
    static final String ROW = "k";
    static final String REDIS_KEY = "ledger:k";
    private static final String LOCK_KEY = "ledger";
    private static final Duration LEASE = Duration.ofSeconds(1);
    private static final int ROUNDS = 3;

    private static PostgresTestDatabase database;
    private static RedisServerFixture redisServer;
    private static LettuceConnectionFactory redis;
    private static SimpleDriverDataSource dataSource;
    private static JdbcLockBackend backend;
    private static LockEngine engine;

    @BeforeAll
    static void start() {
        database = PostgresTestDatabase.create("fencing_proof");
        dataSource = new SimpleDriverDataSource(new org.postgresql.Driver(), database.jdbcUrl(), database.user(), "");
        JdbcClient.create(dataSource).sql("CREATE TABLE ledger (id text PRIMARY KEY, owner text NOT NULL, "
                + "fence_token bigint NOT NULL DEFAULT 0)").update();
        JdbcClient.create(dataSource).sql("INSERT INTO ledger (id, owner) VALUES ('k', 'nobody')").update();
        backend = JdbcLockBackend.create(JdbcSettings.builder(dataSource).dialect(JdbcDialect.POSTGRESQL)
                .initializeSchema(true).releaseNotifications(false).build());
        engine = LockEngine.builder(backend).namespace(NAMESPACE).build();
        redisServer = RedisServerFixture.start();
        redis = new LettuceConnectionFactory(new RedisStandaloneConfiguration(redisServer.host(), redisServer.port()));
        redis.afterPropertiesSet();
        redis.start();
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
        if (backend != null) {
            backend.close();
        }
        if (redis != null) {
            redis.destroy();
        }
        if (redisServer != null) {
            redisServer.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void thePausedHoldersLateWritesAreRefusedAndItIsToldTheNewerToken() {
        int refused = 0;
        try (ChildJvm paused = startStaleWriter()) {
            for (int round = 1; round <= ROUNDS; round++) {
                LateWrite late = pauseWhileAnotherHolderWrites(paused, "plain", "successor " + round);
                assertThat(late.jdbc()).as("round %d: the paused holder's PostgreSQL write", round)
                        .isEqualTo("stale:" + late.successorToken());
                assertThat(late.redis()).as("round %d: the paused holder's Redis write", round)
                        .isEqualTo("stale:" + late.successorToken());
                assertSuccessorsWritesStand(late, "successor " + round);
                refused += 2;
            }
        }
        System.out.println("FENCING stale writes through FencedJdbc + FencedRedis after SIGSTOP > lease: "
                + "attempted " + (2 * ROUNDS) + ", accepted 0, refused with StaleLockTokenException " + refused);
    }

    @Test
    void underFencedTrueThePausedHoldersLateWritesAreNotEvenSent() {
        try (ChildJvm paused = startStaleWriter()) {
            LateWrite late = pauseWhileAnotherHolderWrites(paused, "fenced", "fenced successor");
            assertThat(late.jdbc()).isEqualTo("not-sent");
            assertThat(late.redis()).isEqualTo("not-sent");
            assertThat(late.leaseValid()).isFalse();
            assertSuccessorsWritesStand(late, "fenced successor");
        }
    }

    private record LateWrite(long pausedToken, long successorToken, String jdbc, String redis, boolean leaseValid) {
    }

    private static ChildJvm startStaleWriter() {
        ChildJvm child = ChildJvm.start(List.of("-XX:TieredStopAtLevel=1"), StaleWriterClient.class, database.jdbcUrl(),
                database.user(), redisServer.host(), Integer.toString(redisServer.port()), LOCK_KEY, LEASE.toString());
        child.awaitLine("ready", Duration.ofSeconds(60));
        return child;
    }

    /**
     * The child takes the lock and is stopped; this JVM waits for the lock (granted once the child's lease
     * ran out on the database's clock) and writes both stores under its newer token; then the child goes on.
     */
    private static LateWrite pauseWhileAnotherHolderWrites(ChildJvm child, String binding, String successorValue) {
        child.send("acquire " + binding);
        long pausedToken = Long.parseLong(child.awaitLine("holding ", Duration.ofSeconds(60)).split(" ")[1]);
        child.pause();
        long successorToken;
        try {
            Optional<Lease> granted = engine.tryAcquire(LOCK_KEY, LockOptions.of(Duration.ofSeconds(30), Duration.ofSeconds(30)));
            assertThat(granted).as("the lock, once the paused holder's lease ran out").isPresent();
            try (Lease lease = granted.get(); LockContext.Scope bound = LockContext.bind(lease)) {
                successorToken = lease.fencingToken();
                assertThat(successorToken).isGreaterThan(pausedToken);
                new FencedJdbc(dataSource).update(TABLE).set("owner = ?", successorValue).where("id = ?", ROW).execute();
                new FencedRedis(redis).set(REDIS_KEY, successorValue);
            }
        } finally {
            child.resume();
        }
        child.send("write");
        String[] outcome = child.awaitLine("late ", Duration.ofSeconds(60)).split(" ");
        return new LateWrite(pausedToken, successorToken, value(outcome[1], "jdbc="), value(outcome[2], "redis="),
                Boolean.parseBoolean(value(outcome[3], "valid=")));
    }

    private static void assertSuccessorsWritesStand(LateWrite late, String successorValue) {
        JdbcClient jdbc = JdbcClient.create(dataSource);
        assertThat(jdbc.sql("SELECT owner FROM ledger WHERE id = 'k'").query(String.class).single()).isEqualTo(successorValue);
        assertThat(jdbc.sql("SELECT fence_token FROM ledger WHERE id = 'k'").query(Long.class).single())
                .isEqualTo(late.successorToken());
        assertThat(new StringRedisTemplate(redis).opsForValue().get(REDIS_KEY)).isEqualTo(successorValue);
        assertThat(new FencedRedis(redis).storedToken(REDIS_KEY)).hasValue(late.successorToken());
    }

    private static String value(String part, String prefix) {
        assertThat(part).startsWith(prefix);
        return part.substring(prefix.length());
    }
}
