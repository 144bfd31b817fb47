package dev.distlock.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.distlock.StaleLockTokenException;
import dev.distlock.engine.LockEngine;
import dev.distlock.fencing.jdbc.FencedJdbc;
import dev.distlock.jdbc.JdbcDialect;
import dev.distlock.jdbc.JdbcLockBackend;

@SpringBootTest(properties = "sample.report.interval=PT0.1S")
class SampleApplicationTest {

    @DynamicPropertySource
    static void databaseOfThisRun(DynamicPropertyRegistry registry) {
        TestDatabases.useFreshFile(registry);
    }

    @Autowired
    OrderService orders;

    @Autowired
    ReportJob reportJob;

    @Autowired
    LockEngine locks;

    @Autowired
    FencedJdbc fenced;

    @Test
    void locksLiveInTheEmbeddedH2DatabaseByDefault() {
        assertThat(locks.backend()).isInstanceOfSatisfying(JdbcLockBackend.class,
                backend -> assertThat(backend.dialect()).isEqualTo(JdbcDialect.H2));
    }

    @Test
    void concurrentPaymentsOfOneOrderChargeItOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Payment>> calls = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                calls.add(() -> orders.pay(new Order("order-1", BigDecimal.ONE)));
            }
            List<Payment> payments = new ArrayList<>();
            for (Future<Payment> payment : pool.invokeAll(calls, 30, TimeUnit.SECONDS)) {
                payments.add(payment.get());
            }
            assertThat(payments).filteredOn(Payment::charged).hasSize(1);
            assertThat(payments).extracting(Payment::fencingToken).doesNotHaveDuplicates();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aChargeIsFencedSoThatAHolderWithAnOlderTokenCannotWriteOverIt() {
        Payment paid = orders.pay(new Order("order-9", BigDecimal.ONE));
        assertThat(paid.charged()).isTrue();
        // What an instance paused past its lease would send: the token it held before this payment's.
        assertThatThrownBy(() -> fenced.update("charges").set("status = 'PENDING'").where("order_id = ?", "order-9")
                .token(paid.fencingToken() - 1).execute())
                .isInstanceOfSatisfying(StaleLockTokenException.class,
                        e -> assertThat(e.storedToken()).isEqualTo(paid.fencingToken()));
        assertThat(orders.pay(new Order("order-9", BigDecimal.ONE)).charged()).isFalse();
    }

    @Test
    void scheduledReportRunsOncePerHoldPeriodOnThisInstance() {
        await().atMost(Duration.ofSeconds(10)).until(() -> reportJob.runs() >= 1);
        // holdAtLeast (30s) keeps the lock after the first run, so the next slots 100 ms apart skip.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> reportJob.runs() == 1);
    }
}
