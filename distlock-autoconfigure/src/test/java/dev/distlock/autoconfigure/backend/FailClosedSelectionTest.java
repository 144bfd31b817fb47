package dev.distlock.autoconfigure.backend;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.distlock.autoconfigure.BackendModules;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.autoconfigure.actuate.DistributedLockHealthContributorAutoConfiguration;
import dev.distlock.engine.LockEngine;
import dev.distlock.inmemory.InMemoryLockBackend;
import dev.distlock.jdbc.JdbcLockBackend;
import dev.distlock.redis.RedisLockBackend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fail closed: a backend module on the class path whose connection cannot be had fails start-up
 * naming the backend, what is missing and how to add it; in-memory locks only when no backend
 * module is present or when {@code distlock.backend=in-memory} is set, and the health says which.
 * Every backend module is on the test class path: each test hides those it means to be absent
 * ({@link BackendModules}).
 */
@ExtendWith(OutputCaptureExtension.class)
class FailClosedSelectionTest {

    private static final String LOCAL_ONLY_WARNING = "locks are local to this JVM";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class,
                    DistributedLockHealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class));

    @Test
    void redisModuleAloneWithoutAConnectionFactoryFailsStartUpSayingWhatToAdd() {
        onlyModule("dev.distlock.redis").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).contains("redis backend").contains("dev.distlock:distlock-redis")
                    .contains("RedisConnectionFactory");
            assertThat(analysis.getAction()).contains("spring-boot-starter-data-redis")
                    .contains("distlock.backend=in-memory");
        });
    }

    @Test
    void jdbcModuleAloneWithoutADataSourceFailsStartUpSayingWhatToAdd() {
        onlyModule("dev.distlock.jdbc").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).contains("jdbc backend").contains("dev.distlock:distlock-jdbc")
                    .contains("DataSource bean");
            assertThat(analysis.getAction()).contains("spring-boot-starter-jdbc").contains("spring.datasource.url")
                    .contains("distlock.backend=in-memory");
        });
    }

    @Test
    void etcdModuleAloneWithoutEndpointsOrAClientFailsStartUpSayingWhatToAdd() {
        onlyModule("dev.distlock.etcd").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).contains("etcd backend").contains("dev.distlock:distlock-etcd")
                    .contains("distlock.etcd.endpoints").contains("Client bean");
            assertThat(analysis.getAction()).contains("distlock.etcd.endpoints").contains("distlock.backend=in-memory");
        });
    }

    @Test
    void etcdModuleWithoutJetcdFailsRatherThanFallingBack() {
        runner.withClassLoader(new FilteredClassLoader("dev.distlock.redis", "dev.distlock.zookeeper", "dev.distlock.jdbc",
                "io.etcd.jetcd")).withPropertyValues("distlock.etcd.endpoints=http://127.0.0.1:1").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).contains("etcd backend").contains("io.etcd:jetcd-core");
        });
    }

    @Test
    void zooKeeperModuleAloneWithoutAConnectStringFailsStartUpSayingWhatToAdd() {
        onlyModule("dev.distlock.zookeeper").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).contains("zookeeper backend").contains("dev.distlock:distlock-zookeeper")
                    .contains("distlock.zookeeper.connect-string");
            assertThat(analysis.getAction()).contains("distlock.zookeeper.connect-string").contains("CuratorFramework bean")
                    .contains("distlock.backend=in-memory");
        });
    }

    @Test
    void severalModulesWithoutAnyConnectionFailNamingEachAndWhatItNeeds() {
        runner.withClassLoader(new FilteredClassLoader("dev.distlock.etcd", "dev.distlock.zookeeper")).run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).contains("redis").contains("RedisConnectionFactory")
                    .contains("jdbc").contains("DataSource bean");
            assertThat(analysis.getAction()).contains("distlock.backend").contains("in-memory");
        });
    }

    @Test
    void severalModulesWithOneConnectedChooseThatOne() {
        // Kept from before: the one backend the application gave a connection is no fallback to in-memory.
        runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class)).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(LockEngine.class).backend()).isInstanceOf(JdbcLockBackend.class);
        });
    }

    @Test
    void theModulesConnectionFromTheStoresAutoConfigurationIsSeenWhicheverOrderTheyAreListedIn() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class, DataRedisAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader("dev.distlock.etcd", "dev.distlock.zookeeper", "dev.distlock.jdbc"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(LockEngine.class).backend()).isInstanceOf(RedisLockBackend.class);
                });
    }

    @Test
    void runsAfterTheStoreAutoConfigurationsOfBothSpringBootLines() {
        assertThat(DistributedLockAutoConfiguration.class.getAnnotation(AutoConfiguration.class).afterName()).contains(
                DataRedisAutoConfiguration.class.getName(),
                DataSourceAutoConfiguration.class.getName(),
                "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration",
                "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration");
    }

    @Test
    void explicitInMemoryWithEveryModulePresentIsUsedWithoutAWarningAndItsHealthSaysSo(CapturedOutput output) {
        runner.withPropertyValues("distlock.backend=in-memory").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(LockEngine.class).backend()).isInstanceOf(InMemoryLockBackend.class);
            assertThat(output).doesNotContain(LOCAL_ONLY_WARNING);
            Health health = distlockHealth(context);
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("backend", "in-memory").containsEntry("scope", "this JVM only")
                    .containsEntry("selection", "explicit: distlock.backend=in-memory");
        });
    }

    @Test
    void noModulePresentFallsBackToInMemoryWithTheWarningAndItsHealthSaysWhy(CapturedOutput output) {
        runner.withClassLoader(BackendModules.none()).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(LockEngine.class).backend()).isInstanceOf(InMemoryLockBackend.class);
            assertThat(output).contains(LOCAL_ONLY_WARNING).contains("distlock.backend is not set");
            assertThat(distlockHealth(context).getDetails()).containsEntry("scope", "this JVM only")
                    .containsEntry("selection", "fallback: no distlock backend module is on the class path");
        });
    }

    @Test
    void theSelectionDetailIsLeftOutWhenTheApplicationsOwnEngineUsesAnotherBackend() {
        runner.withClassLoader(BackendModules.none()).withUserConfiguration(OwnEngine.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(distlockHealth(context).getDetails()).doesNotContainKey("selection");
        });
    }

    @Test
    void aRealApplicationWithTheRedisModuleAloneReportsTheFailureAnalysis(CapturedOutput output) {
        SpringApplication application = new SpringApplication(EmptyApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setResourceLoader(new org.springframework.core.io.DefaultResourceLoader(
                new FilteredClassLoader("dev.distlock.etcd", "dev.distlock.zookeeper", "dev.distlock.jdbc")));
        assertThatThrownBy(() -> application.run("--spring.main.banner-mode=off",
                "--spring.autoconfigure.exclude=" + DataRedisAutoConfiguration.class.getName()))
                .hasRootCauseInstanceOf(LockBackendNotAvailableException.class);
        assertThat(output).contains("APPLICATION FAILED TO START").contains("RedisConnectionFactory")
                .contains("spring-boot-starter-data-redis").contains("distlock.backend=in-memory");
    }

    private ApplicationContextRunner onlyModule(String module) {
        return runner.withClassLoader(BackendModules.only(module));
    }

    private static FailureAnalysis analysis(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        assertThat(Stream.iterate(context.getStartupFailure(), failure -> failure != null, Throwable::getCause))
                .anyMatch(LockBackendNotAvailableException.class::isInstance);
        FailureAnalysis analysis = new LockBackendFailureAnalyzer().analyze(context.getStartupFailure());
        assertThat(analysis).isNotNull();
        return analysis;
    }

    private static Health distlockHealth(AssertableApplicationContext context) {
        HealthContributorRegistry registry = context.getBean(HealthContributorRegistry.class);
        return ((HealthIndicator) registry.getContributor("distlock")).health();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class EmptyApplication {
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnEngine {
        @Bean(destroyMethod = "close")
        LockEngine lockEngine() {
            return LockEngine.builder(new InMemoryLockBackend()).build();
        }
    }
}
