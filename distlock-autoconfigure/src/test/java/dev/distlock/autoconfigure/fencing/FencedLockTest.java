package dev.distlock.autoconfigure.fencing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionManagerCustomizationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

import dev.distlock.DistributedLock;
import dev.distlock.LockContext;
import dev.distlock.StaleLockTokenException;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.fencing.LeaseRequiredException;
import dev.distlock.fencing.jdbc.FencedJdbc;

/**
 * {@code @DistributedLock(fenced = true)} through the interceptor: the auto-configured FencedJdbc on
 * H2 refuses to send a write under a lease that is no longer valid, while a method without it sends
 * the write and leaves the verdict to the stored token.
 */
class FencedLockTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                    DataSourceTransactionManagerAutoConfiguration.class, TransactionManagerCustomizationAutoConfiguration.class,
                    TransactionAutoConfiguration.class, DistributedLockAutoConfiguration.class,
                    DistributedLockFencingAutoConfiguration.class))
            .withPropertyValues("distlock.backend=in-memory",
                    "spring.datasource.url=jdbc:h2:mem:fenced-lock-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1")
            .withUserConfiguration(Accounts.class);

    @Test
    void aFencedMethodWritesWhileItsLeaseIsValid() {
        runner.run(context -> {
            assertThat(context.getBean(AccountService.class).withdrawFenced("a", false)).isOne();
            assertThat(balance(context)).isEqualTo(90);
        });
    }

    @Test
    void aFencedMethodSendsNoWriteOnceItsLeaseIsNoLongerValid() {
        runner.run(context -> {
            assertThatThrownBy(() -> context.getBean(AccountService.class).withdrawFenced("a", true))
                    .isInstanceOf(LeaseRequiredException.class)
                    .hasMessageContaining("lock 'distlock:AccountService.withdrawFenced:a'")
                    .hasMessageContaining("no longer valid");
            assertThat(balance(context)).isEqualTo(100);
        });
    }

    @Test
    void withoutFencedTheWriteIsSentAndTheStoreDecides() {
        runner.run(context -> {
            // No newer holder has written, so the store takes it: fenced = true is what closes this gap.
            assertThat(context.getBean(AccountService.class).withdrawPlain("a", true)).isOne();
            assertThat(balance(context)).isEqualTo(90);
        });
    }

    @Test
    void underTransactionalAStaleWriteRollsBackWhatTheTransactionWroteBefore() {
        runner.run(context -> {
            JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
            jdbc.update("INSERT INTO accounts (id, balance, fence_token) VALUES ('b', 100, ?)", Long.MAX_VALUE);
            assertThatThrownBy(() -> context.getBean(AccountService.class).transfer("a", "b"))
                    .isInstanceOf(StaleLockTokenException.class);
            assertThat(balance(context)).isEqualTo(100);
            assertThat(jdbc.queryForObject("SELECT balance FROM accounts WHERE id = 'b'", Long.class)).isEqualTo(100);
        });
    }

    @Test
    void aWriteOutsideAnyLockFails() {
        runner.run(context -> {
            assertThatThrownBy(() -> context.getBean(FencedJdbc.class).update("accounts")
                    .set("balance = balance - 10").where("id = ?", "a").execute())
                    .isInstanceOf(LeaseRequiredException.class);
            assertThat(balance(context)).isEqualTo(100);
        });
    }

    private static long balance(org.springframework.context.ApplicationContext context) {
        return new JdbcTemplate(context.getBean(DataSource.class)).queryForObject("SELECT balance FROM accounts WHERE id = 'a'", Long.class);
    }

    @Configuration(proxyBeanMethods = false)
    static class Accounts {

        @Bean
        AccountService accountService(FencedJdbc fenced, DataSource dataSource) {
            JdbcTemplate jdbc = new JdbcTemplate(dataSource);
            jdbc.execute("CREATE TABLE accounts (id VARCHAR(64) PRIMARY KEY, balance BIGINT NOT NULL, "
                    + "fence_token BIGINT NOT NULL DEFAULT 0)");
            jdbc.execute("INSERT INTO accounts (id, balance) VALUES ('a', 100)");
            return new AccountService(fenced);
        }
    }

    static class AccountService {

        private final FencedJdbc fenced;

        AccountService(FencedJdbc fenced) {
            this.fenced = fenced;
        }

        @DistributedLock(key = "#id", fenced = true)
        public int withdrawFenced(String id, boolean loseLeaseFirst) {
            return withdraw(id, loseLeaseFirst);
        }

        @DistributedLock(key = "#id")
        public int withdrawPlain(String id, boolean loseLeaseFirst) {
            return withdraw(id, loseLeaseFirst);
        }

        /** Both rows under one lock and one transaction (the lock taken first): all or nothing. */
        @DistributedLock(key = "#from", fenced = true)
        @Transactional
        public void transfer(String from, String to) {
            fenced.update("accounts").set("balance = balance - 10").where("id = ?", from).execute();
            fenced.update("accounts").set("balance = balance + 10").where("id = ?", to).execute();
        }

        private int withdraw(String id, boolean loseLeaseFirst) {
            if (loseLeaseFirst) {
                // As a lease lost to a pause ends: no longer valid, while the method still runs.
                LockContext.currentLease().orElseThrow().close();
            }
            return fenced.update("accounts").set("balance = balance - 10").where("id = ?", id).execute();
        }
    }
}
