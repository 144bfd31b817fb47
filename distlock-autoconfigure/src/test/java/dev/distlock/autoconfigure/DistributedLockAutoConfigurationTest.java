package dev.distlock.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.aop.Advisor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.distlock.DistributedLocks;
import dev.distlock.autoconfigure.backend.LockBackendFailureAnalyzer;
import dev.distlock.autoconfigure.interceptor.DistributedLockAdvisor;
import dev.distlock.engine.LeaseLossPolicy;
import dev.distlock.engine.LockEngine;
import dev.distlock.inmemory.InMemoryLockBackend;
import dev.distlock.spi.LockBackend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(OutputCaptureExtension.class)
class DistributedLockAutoConfigurationTest {

    private static final String LOCAL_ONLY_WARNING = "locks are local to this JVM";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class));

    /** Every backend module is on the test class path; hidden, distlock.backend can stay unset. */
    private final ApplicationContextRunner withoutBackendModules = runner.withClassLoader(BackendModules.none());

    @Test
    void withNoBackendPresentFallsBackToInMemoryAndWarnsThatLocksAreLocal(CapturedOutput output) {
        withoutBackendModules.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(InMemoryLockBackend.class);
            assertThat(context.getBean(LockEngine.class).backend()).isInstanceOf(InMemoryLockBackend.class);
            assertThat(output).contains(LOCAL_ONLY_WARNING).contains("distlock.backend is not set");
        });
    }

    @Test
    void explicitInMemoryIsUsedWithoutTheWarning(CapturedOutput output) {
        runner.withPropertyValues("distlock.backend=in-memory").run(context -> {
            assertThat(context).hasSingleBean(InMemoryLockBackend.class);
            assertThat(output).doesNotContain(LOCAL_ONLY_WARNING);
        });
    }

    @Test
    void engineIsAlsoTheDistributedLocksBeanAndInterceptionIsRegistered() {
        withoutBackendModules.run(context -> {
            assertThat(context).hasSingleBean(DistributedLocks.class);
            assertThat(context.getBean(DistributedLocks.class)).isSameAs(context.getBean(LockEngine.class));
            assertThat(context).hasSingleBean(DistributedLockAdvisor.class);
            assertThat(context.getBeansOfType(Advisor.class)).hasSize(1);
        });
    }

    @Test
    void unknownBackendValueFailsWithAnAnalysisListingTheChoices() {
        runner.withPropertyValues("distlock.backend=mongo").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new LockBackendFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("distlock.backend").contains("'mongo'");
            assertThat(analysis.getAction()).contains("distlock.backend")
                    .contains("redis, etcd, zookeeper, jdbc, in-memory");
        });
    }

    @Test
    void backendNamedButNotAvailableFailsWithAnAnalysisNamingThePropertyAndTheChoices() {
        runner.withPropertyValues("distlock.backend=redis").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new LockBackendFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("distlock.backend is 'redis'");
            assertThat(analysis.getAction()).contains("distlock.backend").contains("in-memory");
        });
    }

    @Test
    void userDefinedBackendWins() {
        runner.withUserConfiguration(OwnBackend.class).run(context -> {
            assertThat(context).hasSingleBean(LockBackend.class);
            assertThat(context.getBean(LockEngine.class).backend()).isSameAs(context.getBean("ownBackend"));
        });
    }

    @Test
    void userDefinedBackendWinsEvenOverANamedBackendThatIsMissing() {
        runner.withUserConfiguration(OwnBackend.class).withPropertyValues("distlock.backend=redis").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(LockEngine.class).backend()).isSameAs(context.getBean("ownBackend"));
        });
    }

    @Test
    void disabledMeansNoBeansAtAll() {
        runner.withPropertyValues("distlock.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(LockEngine.class);
            assertThat(context).doesNotHaveBean(LockBackend.class);
            assertThat(context).doesNotHaveBean(DistributedLockAdvisor.class);
            assertThat(context).doesNotHaveBean(DistributedLockProperties.class);
        });
    }

    @Test
    void propertiesHaveTheDocumentedDefaults() {
        withoutBackendModules.run(context -> {
            DistributedLockProperties properties = context.getBean(DistributedLockProperties.class);
            assertThat(properties.isEnabled()).isTrue();
            assertThat(properties.getBackend()).isNull();
            assertThat(properties.getNamespace()).isNull();
            assertThat(context.getBean(LockEngine.class).namespace()).isEqualTo("distlock");
            assertThat(properties.getDefaultLease()).isEqualTo(Duration.ofSeconds(30));
            assertThat(properties.getDefaultWaitFor()).isEqualTo(Duration.ZERO);
            assertThat(properties.getLeaseLossPolicy()).isEqualTo(LeaseLossPolicy.LOG);
        });
    }

    @Test
    void theApplicationsNameIsTheNamespaceUnlessOneIsSet() {
        runner.withPropertyValues("distlock.backend=in-memory", "spring.application.name=billing-service")
                .run(context -> assertThat(context.getBean(LockEngine.class).fullKey("job")).isEqualTo("billing-service:job"));
        runner.withPropertyValues("distlock.backend=in-memory", "spring.application.name=billing-service",
                        "distlock.namespace=distlock")
                .run(context -> assertThat(context.getBean(LockEngine.class).fullKey("job")).isEqualTo("distlock:job"));
    }

    @Test
    void propertiesBindFromTheirDocumentedForms() {
        runner.withPropertyValues("distlock.backend=in-memory", "distlock.namespace=billing",
                "distlock.default-lease=PT1M", "distlock.default-wait-for=500ms", "distlock.lease-loss-policy=interrupt")
                .run(context -> {
                    DistributedLockProperties properties = context.getBean(DistributedLockProperties.class);
                    assertThat(properties.getBackend()).isEqualTo(LockBackendType.IN_MEMORY);
                    assertThat(properties.getDefaultLease()).isEqualTo(Duration.ofMinutes(1));
                    assertThat(properties.getDefaultWaitFor()).isEqualTo(Duration.ofMillis(500));
                    assertThat(properties.getLeaseLossPolicy()).isEqualTo(LeaseLossPolicy.INTERRUPT);
                    assertThat(context.getBean(LockEngine.class).fullKey("job")).isEqualTo("billing:job");
                });
    }

    @Test
    void needsNeitherTransactionsNorJdbcNorReactorOnTheClasspath() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.transaction", "org.springframework.jdbc",
                        "reactor.core", "org.springframework.boot.jdbc", "org.springframework.boot.transaction"))
                .withPropertyValues("distlock.backend=in-memory")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(LockEngine.class);
                    assertThat(context).hasSingleBean(DistributedLockAdvisor.class);
                });
    }

    @Test
    void runsAfterAutoConfigurationsThatExistUnderTheNamesItGivesForEachBootLine() throws ClassNotFoundException {
        // The names are strings because those modules are optional; this keeps them from going stale.
        // Each line's names load on its class path: Boot 4's here, Boot 3.5's in distlock-boot35-tests.
        String[] names = DistributedLockAutoConfiguration.class.getAnnotation(AutoConfiguration.class).afterName();
        assertThat(BootLines.ofOtherLine(names)).hasSameSizeAs(BootLines.ofRunningLine(names));
        for (String name : BootLines.ofRunningLine(names)) {
            assertThat(Class.forName(name)).isNotNull();
        }
    }

    @Test
    void isRegisteredAsAnAutoConfiguration() {
        assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).getCandidates())
                .contains(DistributedLockAutoConfiguration.class.getName());
    }

    @Test
    void aRealApplicationReportsTheFailureAnalysisForAnUnknownBackend(CapturedOutput output) {
        SpringApplication application = new SpringApplication(EmptyApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        assertThatThrownBy(() -> application.run("--distlock.backend=mongo", "--spring.main.banner-mode=off"))
                .isInstanceOf(RuntimeException.class);
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("distlock.backend has the unknown value 'mongo'.")
                .contains("Set distlock.backend to one of: redis, etcd, zookeeper, jdbc, in-memory.");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class EmptyApplication {
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBackend {
        @Bean
        LockBackend ownBackend() {
            return new InMemoryLockBackend();
        }
    }
}
