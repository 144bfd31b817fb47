package dev.distlock.autoconfigure.jdbc;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.autoconfigure.backend.LockBackendFailureAnalyzer;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link DistributedLockDataSource} names the DataSource of the lock table among several, as {@code @FlywayDataSource} does. */
class DistributedLockDataSourceTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class));

    @Test
    void theQualifiedDataSourceHoldsTheLockTableAlthoughAnotherIsPrimary() {
        runner.withUserConfiguration(PrimaryAndLockDataSources.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(tableExists(context.getBean("locks", DataSource.class))).isTrue();
            assertThat(tableExists(context.getBean("orders", DataSource.class))).isFalse();
        });
    }

    @Test
    void theQualifiedDataSourceIsDetectedAmongSeveralWithoutAPrimary() {
        runner.withUserConfiguration(LockAndOtherDataSources.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(tableExists(context.getBean("locks", DataSource.class))).isTrue();
            assertThat(tableExists(context.getBean("reports", DataSource.class))).isFalse();
        });
    }

    @Test
    void twoQualifiedDataSourcesFailStartUpNamingTheAnnotation() {
        runner.withUserConfiguration(LockAndOtherDataSources.class, SecondLockDataSource.class)
                .withPropertyValues("distlock.backend=jdbc").run(context -> {
                    FailureAnalysis analysis = new LockBackendFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription()).contains("a single @DistributedLockDataSource DataSource bean (found 2)");
                });
    }

    private static boolean tableExists(DataSource dataSource) {
        return new JdbcTemplate(dataSource).queryForObject(
                "select count(*) from information_schema.tables where table_name = 'DISTLOCK_LOCKS'", Integer.class) == 1;
    }

    private static DataSource h2(String name) {
        return new DriverManagerDataSource("jdbc:h2:mem:" + name + "-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
    }

    @Configuration(proxyBeanMethods = false)
    static class PrimaryAndLockDataSources {
        @Bean
        @Primary
        DataSource orders() {
            return h2("orders");
        }

        @Bean
        @DistributedLockDataSource
        DataSource locks() {
            return h2("locks");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class LockAndOtherDataSources {
        @Bean
        DataSource reports() {
            return h2("reports");
        }

        @Bean
        @DistributedLockDataSource
        DataSource locks() {
            return h2("locks");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class SecondLockDataSource {
        @Bean
        @DistributedLockDataSource
        DataSource moreLocks() {
            return h2("more-locks");
        }
    }
}
