package dev.distlock.autoconfigure.jdbc;

import java.nio.file.Path;
import java.time.Duration;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceInitializationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

import dev.distlock.autoconfigure.BackendModules;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.autoconfigure.backend.LockBackendFailureAnalyzer;
import dev.distlock.engine.LockEngine;
import dev.distlock.inmemory.InMemoryLockBackend;
import dev.distlock.jdbc.JdbcDialect;
import dev.distlock.jdbc.JdbcLockBackend;
import dev.distlock.jdbc.JdbcSettings;
import dev.distlock.spi.LockBackend;

import static org.assertj.core.api.Assertions.assertThat;

/** Each branch of the JDBC backend's configuration, on in-memory H2 databases. */
class JdbcLockBackendConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, DistributedLockAutoConfiguration.class));

    @Test
    void theApplicationsOwnDatabaseInitializationRunsBeforeDistlockLooksAtItsTable() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        DataSourceInitializationAutoConfiguration.class, DistributedLockAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=jdbc:h2:mem:migrated-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
                        "spring.sql.init.mode=always", "spring.sql.init.schema-locations=classpath:db/distlock-migration.sql")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    try (var lease = context.getBean(LockEngine.class).acquire("migrated",
                            dev.distlock.LockOptions.of(Duration.ofSeconds(10), Duration.ZERO))) {
                        assertThat(lease.fencingToken()).isPositive();
                    }
                });
    }

    @Test
    void propertiesHaveTheDocumentedDefaults() {
        runner.run(context -> {
            JdbcLockProperties properties = context.getBean(JdbcLockProperties.class);
            assertThat(properties.getTableName()).isEqualTo("distlock_locks").isEqualTo(JdbcSettings.DEFAULT_TABLE_NAME);
            assertThat(properties.getInitializeSchema()).isEqualTo(JdbcLockProperties.InitializeSchema.EMBEDDED);
            assertThat(properties.getStatementTimeout()).isEqualTo(Duration.ofSeconds(5))
                    .isEqualTo(JdbcSettings.DEFAULT_STATEMENT_TIMEOUT);
            assertThat(properties.isReleaseNotifications()).isTrue();
            assertThat(properties.getPurgeExpiredAfter()).isEqualTo(Duration.ofHours(1))
                    .isEqualTo(JdbcSettings.DEFAULT_PURGE_EXPIRED_AFTER);
        });
    }

    @Test
    void propertiesBindFromTheirDocumentedForms() {
        runner.withPropertyValues("distlock.jdbc.table-name=app.locks_of_billing", "distlock.jdbc.initialize-schema=never",
                        "distlock.jdbc.statement-timeout=2s", "distlock.jdbc.release-notifications=false",
                        "distlock.jdbc.purge-expired-after=P7D")
                .run(context -> {
                    JdbcLockProperties properties = context.getBean(JdbcLockProperties.class);
                    assertThat(properties.getTableName()).isEqualTo("app.locks_of_billing");
                    assertThat(properties.getInitializeSchema()).isEqualTo(JdbcLockProperties.InitializeSchema.NEVER);
                    assertThat(properties.getStatementTimeout()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(properties.isReleaseNotifications()).isFalse();
                    assertThat(properties.getPurgeExpiredAfter()).isEqualTo(Duration.ofDays(7));
                    assertThat(context.getBean(JdbcLockBackend.class).tableName()).isEqualTo("app.locks_of_billing");
                });
    }

    @Test
    void isDetectedWhenADataSourceIsPresentAndTheModuleOnTheClasspath() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(LockBackend.class);
            JdbcLockBackend backend = context.getBean(JdbcLockBackend.class);
            assertThat(context.getBean(LockEngine.class).backend()).isSameAs(backend);
            assertThat(backend.dialect()).isEqualTo(JdbcDialect.H2);
        });
    }

    @Test
    void isNotDetectedWithoutTheModuleAndFallsBackToInMemory() {
        runner.withClassLoader(BackendModules.none()).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(DataSource.class);
            assertThat(context).doesNotHaveBean(JdbcLockBackend.class);
            assertThat(context.getBean(LockEngine.class).backend()).isInstanceOf(InMemoryLockBackend.class);
        });
    }

    @Test
    void theModuleAloneWithoutADataSourceFailsStartUpRatherThanFallingBackToInMemory() {
        // This asserted the fallback to in-memory locks before fail-closed: the defect, now a failure.
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class))
                .withClassLoader(BackendModules.only("dev.distlock.jdbc"))
                .run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis analysis = new LockBackendFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription()).contains("the jdbc backend is the only lock backend module")
                            .contains("a DataSource bean is missing");
                    assertThat(analysis.getAction()).contains("spring-boot-starter-jdbc").contains("distlock.backend=in-memory");
                });
    }

    @Test
    void chosenExplicitlyWinsOverTheFallback() {
        runner.withPropertyValues("distlock.backend=jdbc").run(context -> {
            assertThat(context).hasSingleBean(JdbcLockBackend.class);
            LockEngine engine = context.getBean(LockEngine.class);
            assertThat(engine.tryAcquire("job", Duration.ofSeconds(5), Duration.ZERO))
                    .hasValueSatisfying(lease -> assertThat(lease.fencingToken()).isEqualTo(1));
        });
    }

    @Test
    void explicitInMemoryWinsOverAPresentDataSource() {
        runner.withPropertyValues("distlock.backend=in-memory").run(context -> {
            assertThat(context).doesNotHaveBean(JdbcLockBackend.class);
            assertThat(context.getBean(LockEngine.class).backend()).isInstanceOf(InMemoryLockBackend.class);
        });
    }

    @Test
    void createsTheTableInAnEmbeddedDatabaseByDefault() {
        runner.withPropertyValues("distlock.jdbc.table-name=locks_by_default").run(context ->
                assertThat(tableExists(context.getBean(DataSource.class), "LOCKS_BY_DEFAULT")).isTrue());
    }

    @Test
    void createsNoTableWhenInitializeSchemaIsNever() {
        runner.withPropertyValues("distlock.jdbc.table-name=locks_never", "distlock.jdbc.initialize-schema=never").run(context -> {
            assertThat(context).hasSingleBean(JdbcLockBackend.class);
            assertThat(tableExists(context.getBean(DataSource.class), "LOCKS_NEVER")).isFalse();
        });
    }

    @Test
    void embeddedMeansInMemoryAndAlwaysCreatesTheTableInAFileDatabaseToo(@TempDir Path directory) {
        // Spring Boot counts only in-memory H2 as embedded: a file database needs initialize-schema=always.
        String url = "jdbc:h2:file:" + directory.resolve("locks");
        ApplicationContextRunner fileDatabase = runner.withPropertyValues("spring.datasource.url=" + url);
        fileDatabase.withPropertyValues("distlock.jdbc.table-name=locks_file_embedded").run(context ->
                assertThat(tableExists(context.getBean(DataSource.class), "LOCKS_FILE_EMBEDDED")).isFalse());
        fileDatabase.withPropertyValues("distlock.jdbc.table-name=locks_file_always", "distlock.jdbc.initialize-schema=always")
                .run(context -> assertThat(tableExists(context.getBean(DataSource.class), "LOCKS_FILE_ALWAYS")).isTrue());
    }

    @Test
    void namedButModuleMissingFailsWithAnAnalysisNamingTheProperty() {
        runner.withClassLoader(new FilteredClassLoader("dev.distlock.jdbc")).withPropertyValues("distlock.backend=jdbc")
                .run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis analysis = new LockBackendFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(analysis).isNotNull();
                    assertThat(analysis.getDescription()).isEqualTo("distlock.backend is 'jdbc', but the jdbc backend "
                            + "cannot be configured: the dev.distlock:distlock-jdbc module is missing.");
                    assertThat(analysis.getAction()).startsWith("Add the dev.distlock:distlock-jdbc module, or set distlock.backend to one of: ")
                            .contains("in-memory");
                });
    }

    @Test
    void namedWithoutADataSourceFailsNamingWhatIsMissing() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class))
                .withPropertyValues("distlock.backend=jdbc")
                .run(context -> {
                    FailureAnalysis analysis = new LockBackendFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription()).contains("distlock.backend is 'jdbc'").contains("a DataSource bean");
                });
    }

    @Test
    void twoDataSourcesNeedOneMarkedPrimary() {
        runner.withUserConfiguration(TwoDataSources.class).withPropertyValues("distlock.backend=jdbc").run(context -> {
            FailureAnalysis analysis = new LockBackendFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("a single or @Primary DataSource bean (found 2: first, second)");
        });
        runner.withUserConfiguration(TwoDataSources.class, PrimaryDataSource.class).withPropertyValues("distlock.backend=jdbc")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(tableExists(context.getBean("primary", DataSource.class), "DISTLOCK_LOCKS")).isTrue();
                    assertThat(tableExists(context.getBean("first", DataSource.class), "DISTLOCK_LOCKS")).isFalse();
                });
    }

    @Test
    void aTransactionAwareProxyIsUnwrapped() {
        DataSource target = h2("unwrapped");
        TransactionAwareDataSourceProxy proxy = new TransactionAwareDataSourceProxy(new TransactionAwareDataSourceProxy(target));
        assertThat(LockDataSources.withoutTransactionProxy(proxy)).isSameAs(target);
        assertThat(LockDataSources.withoutTransactionProxy(target)).isSameAs(target);
    }

    @Test
    void userDefinedBackendWins() {
        runner.withUserConfiguration(OwnBackend.class).run(context -> {
            assertThat(context).doesNotHaveBean(JdbcLockBackend.class);
            assertThat(context.getBean(LockEngine.class).backend()).isSameAs(context.getBean("ownBackend"));
        });
    }

    @Test
    void classNamesGivenAsStringsStillExist() {
        assertThat(JdbcLockBackendConfiguration.Candidate.BACKEND_CLASS).isEqualTo(JdbcLockBackend.class.getName());
        assertThat(LockDataSources.SPRING_JDBC_CLASS).isEqualTo(TransactionAwareDataSourceProxy.class.getName());
        assertThat(LockDataSources.BOOT_JDBC_CLASS).isEqualTo(org.springframework.boot.jdbc.EmbeddedDatabaseConnection.class.getName());
    }

    private static boolean tableExists(DataSource dataSource, String table) {
        return new JdbcTemplate(dataSource).queryForObject(
                "select count(*) from information_schema.tables where table_name = ?", Integer.class, table) == 1;
    }

    private static DataSource h2(String name) {
        return new DriverManagerDataSource("jdbc:h2:mem:" + name + "-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoDataSources {
        @Bean
        DataSource first() {
            return h2("first");
        }

        @Bean
        DataSource second() {
            return h2("second");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PrimaryDataSource {
        @Bean
        @Primary
        DataSource primary() {
            return h2("primary");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBackend {
        @Bean
        LockBackend ownBackend() {
            return new InMemoryLockBackend();
        }
    }
}
