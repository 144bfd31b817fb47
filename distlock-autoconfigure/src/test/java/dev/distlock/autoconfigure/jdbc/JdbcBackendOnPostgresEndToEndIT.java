package dev.distlock.autoconfigure.jdbc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionManagerCustomizationAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.annotation.Transactional;

import dev.distlock.DistributedLock;
import dev.distlock.DistributedLocks;
import dev.distlock.Lease;
import dev.distlock.LockContext;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.jdbc.JdbcDialect;
import dev.distlock.jdbc.JdbcLockBackend;
import dev.distlock.testsupport.PostgresTestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two application contexts, as two instances of one application, with {@code distlock.backend=jdbc}
 * on one real PostgreSQL database (the machine's, a database of its own for this class).
 */
class JdbcBackendOnPostgresEndToEndIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static PostgresTestDatabase database;
    private static final List<HikariDataSource> pools = new ArrayList<>();

    @BeforeAll
    static void createDatabase() {
        database = PostgresTestDatabase.create("autoconfigure_e2e");
        new JdbcTemplate(pool()).execute("create table payment (order_id varchar(20) primary key)");
    }

    @AfterAll
    static void dropDatabase() {
        pools.forEach(HikariDataSource::close);
        if (database != null) {
            database.close();
        }
    }

    /** One instance, its DataSource from spring.datasource.* as an application configures it. */
    private ApplicationContextRunner instance(CriticalSection section) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        DataSourceTransactionManagerAutoConfiguration.class, TransactionManagerCustomizationAutoConfiguration.class,
                        TransactionAutoConfiguration.class, DistributedLockAutoConfiguration.class))
                .withPropertyValues("distlock.backend=jdbc", "distlock.jdbc.initialize-schema=always",
                        "spring.datasource.url=" + database.jdbcUrl(), "spring.datasource.username=" + database.user(),
                        "spring.datasource.password=" + database.password(), "spring.datasource.hikari.maximum-pool-size=12")
                .withBean(CriticalSection.class, () -> section)
                .withBean(Worker.class)
                .withBean(Payments.class);
    }

    @Test
    void aLockedMethodNeverOverlapsAcrossInstancesAndItsTokensGrow() {
        CriticalSection section = new CriticalSection();
        instance(section).run(first -> instance(section).run(second -> {
            assertThat(first.getBean(JdbcLockBackend.class).dialect()).isEqualTo(JdbcDialect.POSTGRESQL);
            ExecutorService threads = Executors.newFixedThreadPool(8);
            try {
                List<Callable<Long>> calls = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    Worker worker = (i % 2 == 0 ? first : second).getBean(Worker.class);
                    calls.add(worker::work);
                }
                for (Future<Long> call : threads.invokeAll(calls, 60, TimeUnit.SECONDS)) {
                    call.get();
                }
            } finally {
                threads.shutdownNow();
            }
            assertThat(section.mostInsideAtOnce()).isEqualTo(1);
            assertThat(section.tokensInOrderOfEntry()).hasSize(40).doesNotHaveDuplicates()
                    .isSortedAccordingTo(Comparator.naturalOrder());
        }));
    }

    @Test
    void aTransactionalLockedMethodThatRollsBackKeepsItsLockGrantCommitted() {
        instance(new CriticalSection()).run(first -> instance(new CriticalSection()).run(second -> {
            DistributedLocks otherInstance = second.getBean(DistributedLocks.class);
            List<Optional<Lease>> otherAttempts = new CopyOnWriteArrayList<>();
            long token = first.getBean(Payments.class).lockedToken();
            assertThatThrownBy(() -> first.getBean(Payments.class).payAndDecline("o-1",
                    () -> otherAttempts.add(otherInstance.tryAcquire("payment:o-1", Duration.ofSeconds(5), Duration.ZERO))))
                    .hasMessage("declined");

            assertThat(otherAttempts).singleElement().satisfies(attempt -> assertThat(attempt).isEmpty());
            assertThat(paymentRows(first, "o-1")).isZero();
            long holderToken = first.getBean(Payments.class).lastToken();
            assertThat(holderToken).isGreaterThan(token);
            assertThat(otherInstance.tryAcquire("payment:o-1", Duration.ofSeconds(5), WAIT))
                    .hasValueSatisfying(next -> assertThat(next.fencingToken()).isGreaterThan(holderToken));
        }));
    }

    @Test
    void aLockTakenInsideATransactionIsVisibleAtOnceAndNotRolledBackThroughATransactionAwareProxy() {
        // The application hands out a TransactionAwareDataSourceProxy: distlock must lock on the pool under it.
        DataSource proxied = new TransactionAwareDataSourceProxy(pool());
        ApplicationContextRunner proxiedInstance = instance(new CriticalSection()).withBean(DataSource.class, () -> proxied);
        proxiedInstance.run(first -> instance(new CriticalSection()).run(second -> {
            DistributedLocks otherInstance = second.getBean(DistributedLocks.class);
            List<Optional<Lease>> otherAttempts = new CopyOnWriteArrayList<>();
            assertThatThrownBy(() -> first.getBean(Payments.class).lockInsideTransactionAndDecline("o-2",
                    () -> otherAttempts.add(otherInstance.tryAcquire("inside:o-2", Duration.ofSeconds(5), Duration.ZERO))))
                    .hasMessage("declined");

            assertThat(otherAttempts).singleElement().satisfies(attempt -> assertThat(attempt).isEmpty());
            assertThat(paymentRows(first, "o-2")).isZero();
            long holderToken = first.getBean(Payments.class).lastToken();
            assertThat(otherInstance.tryAcquire("inside:o-2", Duration.ofSeconds(5), WAIT))
                    .hasValueSatisfying(next -> assertThat(next.fencingToken()).isEqualTo(holderToken + 1));
        }));
    }

    private static int paymentRows(AssertableApplicationContext context, String orderId) {
        return new JdbcTemplate(context.getBean(DataSource.class))
                .queryForObject("select count(*) from payment where order_id = ?", Integer.class, orderId);
    }

    private static HikariDataSource pool() {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(database.jdbcUrl());
        pool.setUsername(database.user());
        pool.setPassword(database.password());
        pool.setMaximumPoolSize(12);
        pools.add(pool);
        return pool;
    }

    /** Shared by both instances: how many callers are inside at once, and the tokens in the order they entered. */
    static class CriticalSection {
        private final AtomicInteger inside = new AtomicInteger();
        private final AtomicInteger mostInside = new AtomicInteger();
        private final List<Long> tokens = new CopyOnWriteArrayList<>();

        void enter(long token) {
            mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
            tokens.add(token);
        }

        void exit() {
            inside.decrementAndGet();
        }

        int mostInsideAtOnce() {
            return mostInside.get();
        }

        List<Long> tokensInOrderOfEntry() {
            return tokens;
        }
    }

    public static class Worker {
        private final CriticalSection section;

        public Worker(CriticalSection section) {
            this.section = section;
        }

        @DistributedLock(name = "shared-work", lease = "10s", waitFor = "30s")
        public long work() {
            long token = LockContext.currentLease().orElseThrow().fencingToken();
            section.enter(token);
            try {
                for (int i = 0; i < 100; i++) {
                    Thread.yield(); // give the other instance's threads a chance to overlap, if the lock let them
                }
                return token;
            } finally {
                section.exit();
            }
        }
    }

    public static class Payments {
        private final JdbcTemplate jdbc;
        private final DistributedLocks locks;
        private final AtomicLong lastToken = new AtomicLong();

        public Payments(DataSource dataSource, DistributedLocks locks) {
            this.jdbc = new JdbcTemplate(dataSource);
            this.locks = locks;
        }

        /** The token of the last grant inside a method below (a getter: callers hold a proxy). */
        public long lastToken() {
            return lastToken.get();
        }

        /** The current token of the payment lock of o-1, by taking and releasing it once. */
        public long lockedToken() {
            try (Lease lease = locks.tryAcquire("payment:o-1", Duration.ofSeconds(5), WAIT).orElseThrow()) {
                return lease.fencingToken();
            }
        }

        /** The lock is taken before the transaction begins; the transaction rolls back while it is held. */
        @Transactional
        @DistributedLock(name = "payment", key = "#orderId", lease = "10s")
        public void payAndDecline(String orderId, Runnable whileHeld) {
            lastToken.set(LockContext.currentLease().orElseThrow().fencingToken());
            jdbc.update("insert into payment (order_id) values (?)", orderId);
            whileHeld.run();
            throw new IllegalStateException("declined");
        }

        /** The lock is taken inside a transaction that then rolls back: the grant must not roll back with it. */
        @Transactional
        public void lockInsideTransactionAndDecline(String orderId, Runnable whileHeld) {
            jdbc.update("insert into payment (order_id) values (?)", orderId);
            try (Lease lease = locks.tryAcquire("inside:" + orderId, Duration.ofSeconds(10), Duration.ZERO).orElseThrow()) {
                lastToken.set(lease.fencingToken());
                whileHeld.run();
            }
            throw new IllegalStateException("declined");
        }
    }
}
