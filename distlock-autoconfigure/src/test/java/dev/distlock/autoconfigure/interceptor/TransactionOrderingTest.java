package dev.distlock.autoconfigure.interceptor;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionManagerCustomizationAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.TransactionExecutionListener;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.distlock.DistributedLock;
import dev.distlock.LockContext;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.engine.LockEventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lock wraps the transaction, with a real DataSourceTransactionManager on H2: the next holder
 * must see committed data, so the lock is taken before the transaction begins and released only
 * after it has ended.
 */
class TransactionOrderingTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                    DataSourceTransactionManagerAutoConfiguration.class, TransactionManagerCustomizationAutoConfiguration.class,
                    TransactionAutoConfiguration.class, DistributedLockAutoConfiguration.class))
            .withPropertyValues("distlock.backend=in-memory")
            .withUserConfiguration(Recording.class);

    @Test
    void theLockIsTakenBeforeTheTransactionBeginsAndReleasedAfterItCommits() {
        runner.run(context -> {
            Timeline timeline = context.getBean(Timeline.class);
            context.getBean(PaymentService.class).pay("o-1", false);
            assertThat(timeline.events()).containsExactly(
                    "lock acquired",
                    "transaction began",
                    "method ran: transaction active, lock held",
                    // Spring runs synchronizations' afterCompletion before the execution listeners' afterCommit.
                    "transaction completed",
                    "transaction committed",
                    "lock released");
            assertThat(context.getBean(JdbcTemplate.class).queryForObject("select count(*) from payment", Integer.class)).isOne();
        });
    }

    @Test
    void theLockIsReleasedAfterARollback() {
        runner.run(context -> {
            Timeline timeline = context.getBean(Timeline.class);
            assertThatThrownBy(() -> context.getBean(PaymentService.class).pay("o-2", true)).hasMessage("declined");
            assertThat(timeline.events()).containsExactly(
                    "lock acquired",
                    "transaction began",
                    "method ran: transaction active, lock held",
                    // Spring runs synchronizations' afterCompletion before the execution listeners' afterRollback.
                    "transaction completed",
                    "transaction rolled back",
                    "lock released");
            assertThat(context.getBean(JdbcTemplate.class).queryForObject("select count(*) from payment", Integer.class)).isZero();
        });
    }

    public static class Timeline {
        private final List<String> events = new CopyOnWriteArrayList<>();

        void record(String event) {
            events.add(event);
        }

        List<String> events() {
            return events;
        }
    }

    public static class PaymentService {
        private final JdbcTemplate jdbc;
        private final Timeline timeline;

        public PaymentService(JdbcTemplate jdbc, Timeline timeline) {
            this.jdbc = jdbc;
            this.timeline = timeline;
        }

        @Transactional
        @DistributedLock(key = "#orderId")
        public void pay(String orderId, boolean decline) {
            timeline.record("method ran: " + (TransactionSynchronizationManager.isActualTransactionActive() ? "transaction active" : "no transaction")
                    + ", " + (LockContext.currentLease().isPresent() ? "lock held" : "no lock"));
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    timeline.record("transaction completed");
                }
            });
            jdbc.update("insert into payment(order_id) values (?)", orderId);
            if (decline) {
                throw new IllegalStateException("declined");
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Recording {

        @Bean
        Timeline timeline() {
            return new Timeline();
        }

        @Bean
        JdbcTemplate jdbcTemplate(DataSource dataSource) {
            JdbcTemplate jdbc = new JdbcTemplate(dataSource);
            jdbc.execute("create table payment(order_id varchar(20) primary key)");
            return jdbc;
        }

        @Bean
        PaymentService paymentService(JdbcTemplate jdbcTemplate, Timeline timeline) {
            return new PaymentService(jdbcTemplate, timeline);
        }

        @Bean
        LockEventListener lockTimeline(Timeline timeline) {
            return new LockEventListener() {
                @Override
                public void acquired(String name, String key, long fencingToken, java.time.Duration waited) {
                    timeline.record("lock acquired");
                }

                @Override
                public void released(String name, String key, java.time.Duration held) {
                    timeline.record("lock released");
                }
            };
        }

        @Bean
        TransactionExecutionListener transactionTimeline(Timeline timeline) {
            return new TransactionExecutionListener() {
                @Override
                public void afterBegin(TransactionExecution transaction, Throwable beginFailure) {
                    timeline.record("transaction began");
                }

                @Override
                public void afterCommit(TransactionExecution transaction, Throwable commitFailure) {
                    timeline.record("transaction committed");
                }

                @Override
                public void afterRollback(TransactionExecution transaction, Throwable rollbackFailure) {
                    timeline.record("transaction rolled back");
                }
            };
        }
    }
}
