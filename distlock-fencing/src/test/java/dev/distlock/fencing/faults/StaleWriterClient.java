package dev.distlock.fencing.faults;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import dev.distlock.Lease;
import dev.distlock.LockContext;
import dev.distlock.LockOptions;
import dev.distlock.StaleLockTokenException;
import dev.distlock.engine.LockEngine;
import dev.distlock.fencing.LeaseRequiredException;
import dev.distlock.fencing.jdbc.FencedJdbc;
import dev.distlock.fencing.redis.FencedRedis;
import dev.distlock.jdbc.JdbcDialect;
import dev.distlock.jdbc.JdbcLockBackend;
import dev.distlock.jdbc.JdbcSettings;

/**
 * The holder that will be paused, in a JVM of its own (started through {@code ChildJvm}): it takes
 * the lock on PostgreSQL (the JDBC backend), announces its token, waits, and then writes through
 * {@link FencedJdbc} and {@link FencedRedis} with the token of its lease, bound to LockContext as
 * {@code @DistributedLock} binds it.
 *
 * <p>Arguments: PostgreSQL URL, user, Redis host, Redis port, lock key, lease (ISO duration).
 * Input: {@code acquire plain} or {@code acquire fenced} (the lease bound with {@code fenced = true});
 * {@code write}; {@code stop}. Output: {@code ready}; {@code holding <token>}; {@code late jdbc=<outcome>
 * redis=<outcome> valid=<bool>}, an outcome being {@code accepted}, {@code stale:<stored token>},
 * {@code not-sent} or {@code error:<exception>}.
 */
public final class StaleWriterClient {

    private static volatile CountDownLatch write = new CountDownLatch(1);

    private StaleWriterClient() {
    }

    public static void main(String[] args) throws Exception {
        SimpleDriverDataSource database = new SimpleDriverDataSource(new org.postgresql.Driver(), args[0], args[1], "");
        JdbcLockBackend backend = JdbcLockBackend.create(JdbcSettings.builder(database)
                .dialect(JdbcDialect.POSTGRESQL).releaseNotifications(false).statementTimeout(Duration.ofSeconds(1))
                .build());
        LockEngine engine = LockEngine.builder(backend).namespace(FencedWritesOfAPausedHolderIT.NAMESPACE).build();
        LettuceConnectionFactory redis = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(args[2], Integer.parseInt(args[3])));
        redis.afterPropertiesSet();
        redis.start();
        FencedJdbc fencedJdbc = new FencedJdbc(database);
        FencedRedis fencedRedis = new FencedRedis(redis);
        String key = args[4];
        LockOptions options = LockOptions.of(Duration.parse(args[5]), Duration.ofSeconds(30));
        say("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.equals("stop")) {
            if (line.startsWith("acquire ")) {
                boolean fenced = line.equals("acquire fenced");
                write = new CountDownLatch(1);
                Thread holder = new Thread(() -> holdAndWriteLate(engine, key, options, fenced, fencedJdbc, fencedRedis),
                        "stale-writer");
                holder.start();
            } else if (line.equals("write")) {
                write.countDown();
            }
        }
        Runtime.getRuntime().halt(0);
    }

    private static void holdAndWriteLate(LockEngine engine, String key, LockOptions options, boolean fenced,
                                         FencedJdbc fencedJdbc, FencedRedis fencedRedis) {
        try (Lease lease = engine.acquire(key, options); LockContext.Scope bound = LockContext.bind(lease, fenced)) {
            say("holding " + lease.fencingToken());
            if (!write.await(5, TimeUnit.MINUTES)) {
                say("late never told to write");
                return;
            }
            String jdbc = attempt(() -> fencedJdbc.update(FencedWritesOfAPausedHolderIT.TABLE).set("owner = ?", "paused holder")
                    .where("id = ?", FencedWritesOfAPausedHolderIT.ROW).execute());
            String redis = attempt(() -> fencedRedis.set(FencedWritesOfAPausedHolderIT.REDIS_KEY, "paused holder"));
            say("late jdbc=" + jdbc + " redis=" + redis + " valid=" + lease.isValid());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            say("late error " + e);
        }
    }

    private static String attempt(Runnable write) {
        try {
            write.run();
            return "accepted";
        } catch (StaleLockTokenException e) {
            return "stale:" + e.storedToken();
        } catch (LeaseRequiredException e) {
            return "not-sent";
        } catch (RuntimeException e) {
            return "error:" + e;
        }
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
