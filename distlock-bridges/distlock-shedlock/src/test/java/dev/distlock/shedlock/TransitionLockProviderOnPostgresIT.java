package dev.distlock.shedlock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.distlock.engine.LockEngine;
import dev.distlock.jdbc.JdbcLockBackend;
import dev.distlock.jdbc.JdbcSettings;
import dev.distlock.testsupport.PostgresTestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rolling switch from ShedLock to distlock on one PostgreSQL database: instances still on
 * ShedLock's JdbcTemplateLockProvider (its shedlock table), instances in transition (both locks), and
 * instances on distlock alone (its distlock_locks table). Any two neighbours in that order exclude each other.
 */
class TransitionLockProviderOnPostgresIT {

    private static PostgresTestDatabase database;
    private static HikariDataSource pool;

    private final List<LockEngine> engines = new ArrayList<>();
    private final List<SimpleLock> taken = new CopyOnWriteArrayList<>();
    private final String job = "job-" + UUID.randomUUID();

    @BeforeAll
    static void createDatabase() {
        database = PostgresTestDatabase.create("shedlock_transition");
        pool = Pools.of(database);
        // ShedLock's documented table for PostgreSQL.
        new JdbcTemplate(pool).execute("CREATE TABLE shedlock(name VARCHAR(64) NOT NULL, lock_until TIMESTAMP NOT NULL,"
                + " locked_at TIMESTAMP NOT NULL, locked_by VARCHAR(255) NOT NULL, PRIMARY KEY (name))");
        JdbcLockBackend.create(JdbcSettings.builder(pool).initializeSchema(true).build()).close();
    }

    @AfterAll
    static void dropDatabase() {
        if (pool != null) {
            pool.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @AfterEach
    void stopInstances() {
        taken.forEach(SimpleLock::unlock);
        engines.forEach(engine -> {
            engine.close();
            engine.backend().close();
        });
    }

    @Test
    void jobHeldOnShedLockKeepsTransitionInstancesOut() {
        assertThat(lock(shedLockInstance())).isPresent();

        assertThat(lock(transitionInstance())).isEmpty();
    }

    @Test
    void jobHeldInTransitionKeepsShedLockAndDistlockInstancesOut() {
        assertThat(lock(transitionInstance())).isPresent();

        assertThat(lock(shedLockInstance())).isEmpty();
        assertThat(lock(distlockInstance())).isEmpty();
    }

    @Test
    void jobHeldOnDistlockKeepsTransitionInstancesOutAndTheyLeaveShedLocksTableFree() {
        assertThat(lock(distlockInstance())).isPresent();

        assertThat(lock(transitionInstance())).isEmpty();
        assertThat(lock(shedLockInstance())).isPresent();
    }

    @Test
    void unlockInTransitionFreesBothLocks() {
        // Not left to the clean-up: ShedLock's own locks refuse a second unlock.
        transitionInstance().lock(configuration()).orElseThrow().unlock();

        assertThat(lock(shedLockInstance())).isPresent();
        assertThat(lock(distlockInstance())).isPresent();
    }

    @Test
    void clusterMidSwitchNeverRunsAJobTwice() throws Exception {
        List<LockProvider> neighbours = List.of(shedLockInstance(), transitionInstance(), transitionInstance(), distlockInstance());
        AtomicInteger onShedLockSide = new AtomicInteger();
        AtomicInteger onDistlockSide = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(neighbours.size());
        try {
            List<CompletableFuture<Void>> workers = new ArrayList<>();
            for (int i = 0; i < neighbours.size(); i++) {
                LockProvider instance = neighbours.get(i);
                // The old instance only excludes transition instances, distlock instances only them too: count per side.
                boolean shedLockSide = i < 3;
                boolean distlockSide = i > 0;
                workers.add(CompletableFuture.runAsync(() -> {
                    for (int round = 0; round < 20; round++) {
                        Optional<SimpleLock> lock = instance.lock(configuration());
                        if (lock.isEmpty()) {
                            continue;
                        }
                        runs.incrementAndGet();
                        if ((shedLockSide && onShedLockSide.incrementAndGet() != 1)
                                | (distlockSide && onDistlockSide.incrementAndGet() != 1)) {
                            overlaps.incrementAndGet();
                        }
                        Thread.yield();
                        if (shedLockSide) {
                            onShedLockSide.decrementAndGet();
                        }
                        if (distlockSide) {
                            onDistlockSide.decrementAndGet();
                        }
                        lock.get().unlock();
                    }
                }, threads));
            }
            CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }

        assertThat(overlaps).hasValue(0);
        assertThat(runs.get()).isPositive();
    }

    private LockProvider shedLockInstance() {
        return new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(pool)).usingDbTime().build());
    }

    private LockProvider distlockInstance() {
        LockEngine engine = LockEngine.builder(JdbcLockBackend.create(JdbcSettings.builder(pool).build()))
                .shutdownTimeout(Duration.ofMillis(100)).build();
        engines.add(engine);
        return new DistlockLockProvider(engine);
    }

    private LockProvider transitionInstance() {
        return new TransitionLockProvider(shedLockInstance(), distlockInstance());
    }

    private Optional<SimpleLock> lock(LockProvider instance) {
        Optional<SimpleLock> lock = instance.lock(configuration());
        lock.ifPresent(taken::add);
        return lock;
    }

    private LockConfiguration configuration() {
        return new LockConfiguration(Instant.now(), job, Duration.ofSeconds(10), Duration.ZERO);
    }
}
