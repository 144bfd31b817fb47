package dev.distlock.fencing.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import dev.distlock.Lease;
import dev.distlock.LockContext;
import dev.distlock.LockOptions;
import dev.distlock.StaleLockTokenException;
import dev.distlock.engine.LockEngine;
import dev.distlock.fencing.jdbc.FencedJdbc;
import dev.distlock.fencing.redis.FencedRedis;
import dev.distlock.jdbc.JdbcDialect;
import dev.distlock.jdbc.JdbcLockBackend;
import dev.distlock.jdbc.JdbcSettings;
import dev.distlock.testsupport.FaultProxy;
import dev.distlock.testsupport.PostgresTestDatabase;
import dev.distlock.testsupport.RedisServerFixture;

/**
 * The partition: a holder reaches PostgreSQL (its lock and its table) and Redis only through fault
 * proxies, which are cut while it holds the lock; its renewals fail, its lease runs out, and a second
 * holder is granted the lock and writes through the helpers. Once the proxies are restored, the cut-off
 * holder's writes through the same helpers must be refused with StaleLockTokenException.
 */
class FencedWritesOfACutOffHolderIT {

    private static final String LOCK_KEY = "ledger";
    private static final Duration LEASE = Duration.ofSeconds(1);

    private static PostgresTestDatabase database;
    private static RedisServerFixture redisServer;
    private static FaultProxy postgresProxy;
    private static FaultProxy redisProxy;

    @BeforeAll
    static void start() {
        database = PostgresTestDatabase.create("fencing_cut");
        JdbcClient jdbc = JdbcClient.create(direct());
        jdbc.sql("CREATE TABLE ledger (id text PRIMARY KEY, owner text NOT NULL, fence_token bigint NOT NULL DEFAULT 0)").update();
        jdbc.sql("INSERT INTO ledger (id, owner) VALUES ('k', 'nobody')").update();
        redisServer = RedisServerFixture.start();
        postgresProxy = FaultProxy.to(Integer.parseInt(database.jdbcUrl().replaceAll("^jdbc:postgresql://[^:/]+:(\\d+)/.*$", "$1")));
        redisProxy = FaultProxy.to(redisServer.port());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {redisProxy, postgresProxy, redisServer, database}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
    }

    @Test
    void theCutOffHoldersWritesAreRefusedOnceTheLinkIsBack() throws Exception {
        SimpleDriverDataSource viaProxy = new SimpleDriverDataSource(new org.postgresql.Driver(),
                database.jdbcUrl().replaceFirst(":\\d+/", ":" + postgresProxy.port() + "/"), database.user(), "");
        LettuceConnectionFactory redisViaProxy = redis(redisProxy.port());
        LettuceConnectionFactory redisDirect = redis(redisServer.port());
        try (JdbcLockBackend cutBackend = backend(viaProxy); LockEngine cut = LockEngine.builder(cutBackend).build();
             JdbcLockBackend otherBackend = backend(direct()); LockEngine other = LockEngine.builder(otherBackend).build()) {
            CompletableFuture<Lease> held = new CompletableFuture<>();
            CountDownLatch writeLate = new CountDownLatch(1);
            CompletableFuture<Throwable[]> late = CompletableFuture.supplyAsync(() -> {
                try (Lease lease = cut.acquire(LOCK_KEY, LockOptions.of(LEASE, Duration.ofSeconds(10)));
                     LockContext.Scope bound = LockContext.bind(lease)) {
                    held.complete(lease);
                    writeLate.await(2, TimeUnit.MINUTES);
                    return new Throwable[] {
                            failure(() -> new FencedJdbc(viaProxy).update("ledger").set("owner = ?", "cut off").where("id = ?", "k").execute()),
                            failure(() -> new FencedRedis(redisViaProxy).set("ledger:k", "cut off"))};
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Lease cutLease = held.get(60, TimeUnit.SECONDS);

            postgresProxy.cut();
            redisProxy.cut();
            long successorToken;
            try {
                await("the cut-off holder's lease lost").atMost(Duration.ofSeconds(30)).until(() -> !cutLease.isValid());
                Optional<Lease> granted = other.tryAcquire(LOCK_KEY, LockOptions.of(Duration.ofSeconds(30), Duration.ofSeconds(30)));
                assertThat(granted).isPresent();
                try (Lease lease = granted.get(); LockContext.Scope bound = LockContext.bind(lease)) {
                    successorToken = lease.fencingToken();
                    new FencedJdbc(direct()).update("ledger").set("owner = ?", "successor").where("id = ?", "k").execute();
                    new FencedRedis(redisDirect).set("ledger:k", "successor");
                }
            } finally {
                postgresProxy.restore();
                redisProxy.restore();
            }
            writeLate.countDown();
            Throwable[] failures = late.get(120, TimeUnit.SECONDS);

            assertThat(successorToken).isGreaterThan(cutLease.fencingToken());
            for (Throwable failure : failures) {
                assertThat(failure).isInstanceOfSatisfying(StaleLockTokenException.class, e -> {
                    assertThat(e.presentedToken()).isEqualTo(cutLease.fencingToken());
                    assertThat(e.storedToken()).isEqualTo(successorToken);
                });
            }
            assertThat(JdbcClient.create(direct()).sql("SELECT owner FROM ledger WHERE id = 'k'").query(String.class).single())
                    .isEqualTo("successor");
            assertThat(new org.springframework.data.redis.core.StringRedisTemplate(redisDirect).opsForValue().get("ledger:k"))
                    .isEqualTo("successor");
            System.out.println("FENCING stale writes through FencedJdbc + FencedRedis after a connection cut: "
                    + "attempted 2, accepted 0, refused with StaleLockTokenException 2");
        } finally {
            redisViaProxy.destroy();
            redisDirect.destroy();
        }
    }

    private static Throwable failure(Runnable write) {
        try {
            write.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static SimpleDriverDataSource direct() {
        return new SimpleDriverDataSource(new org.postgresql.Driver(), database.jdbcUrl(), database.user(), "");
    }

    private static JdbcLockBackend backend(SimpleDriverDataSource dataSource) {
        return JdbcLockBackend.create(JdbcSettings.builder(dataSource).dialect(JdbcDialect.POSTGRESQL)
                .initializeSchema(true).releaseNotifications(false).statementTimeout(Duration.ofSeconds(1)).build());
    }

    private static LettuceConnectionFactory redis(int port) {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port));
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }
}
