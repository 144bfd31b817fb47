package dev.distlock.autoconfigure.jdbc;

import java.util.Arrays;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

import dev.distlock.autoconfigure.LockBackendType;
import dev.distlock.autoconfigure.backend.CandidateContext;
import dev.distlock.autoconfigure.backend.ModuleBackendCandidate;
import dev.distlock.autoconfigure.backend.LockBackendCondition;
import dev.distlock.jdbc.JdbcLockBackend;
import dev.distlock.jdbc.JdbcSettings;
import dev.distlock.spi.LockBackend;

/**
 * The JDBC backend on the application's {@link DataSource}: chosen by {@code distlock.backend=jdbc},
 * or when distlock-jdbc is the only backend module present and a single, primary or
 * {@link DistributedLockDataSource @DistributedLockDataSource} DataSource bean exists.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({JdbcLockBackend.class, DataSource.class})
@ConditionalOnMissingBean(LockBackend.class)
@Conditional(LockBackendCondition.class)
@EnableConfigurationProperties(JdbcLockProperties.class)
public final class JdbcLockBackendConfiguration {

    /**
     * Connects once at start-up (dialect detection, table creation), so that a wrong URL or missing
     * table permissions fail start-up rather than the first locked call. After the application's own
     * database initialization (Flyway, Liquibase, spring.sql.init), which may create the table itself:
     * created first by distlock, a migration's CREATE TABLE would fail. On the
     * {@link DistributedLockDataSource @DistributedLockDataSource} when there is one, else on the
     * application's single or primary DataSource.
     */
    @Bean
    @DependsOnDatabaseInitialization
    JdbcLockBackend jdbcLockBackend(@DistributedLockDataSource ObjectProvider<DataSource> lockDataSource,
                                    ObjectProvider<DataSource> dataSource, JdbcLockProperties properties) {
        DataSource target = LockDataSources.withoutTransactionProxy(lockDataSource.getIfAvailable(dataSource::getObject));
        return JdbcLockBackend.create(JdbcSettings.builder(target)
                .tableName(properties.getTableName())
                .initializeSchema(initializeSchema(properties.getInitializeSchema(), target))
                .statementTimeout(properties.getStatementTimeout())
                .releaseNotifications(properties.isReleaseNotifications())
                .purgeExpiredAfter(properties.getPurgeExpiredAfter())
                .build());
    }

    private static boolean initializeSchema(JdbcLockProperties.InitializeSchema mode, DataSource dataSource) {
        return switch (mode) {
            case ALWAYS -> true;
            case EMBEDDED -> LockDataSources.isEmbedded(dataSource);
            case NEVER -> false;
        };
    }

    /** Present when the distlock-jdbc module is on the classpath and one DataSource bean (or one primary) is defined. */
    public static final class Candidate extends ModuleBackendCandidate {

        /** By name: this class is loaded whether or not distlock-jdbc is present (a test checks the name). */
        static final String BACKEND_CLASS = "dev.distlock.jdbc.JdbcLockBackend";

        public Candidate() {
            super(LockBackendType.JDBC, JdbcLockBackendConfiguration.class, BACKEND_CLASS);
        }

        @Override
        protected Optional<Missing> missingBesidesModule(CandidateContext context) {
            String[] dataSources = context.beanNames(DataSource.class);
            long qualified = Arrays.stream(dataSources).filter(name -> isLockDataSource(context.beanFactory(), name)).count();
            if (qualified == 1) {
                return Optional.empty();
            }
            if (qualified > 1) {
                return Optional.of(new Missing("a single @DistributedLockDataSource DataSource bean (found " + qualified + ")",
                        "put @DistributedLockDataSource on one DataSource bean only"));
            }
            if (dataSources.length == 0) {
                return Optional.of(new Missing("a DataSource bean", "add spring-boot-starter-jdbc and set spring.datasource.url "
                        + "(it defines a DataSource bean), or define a DataSource bean"));
            }
            if (dataSources.length > 1 && Arrays.stream(dataSources).filter(name -> isPrimary(context.beanFactory(), name)).count() != 1) {
                return Optional.of(new Missing("a single or @Primary DataSource bean (found " + dataSources.length + ": "
                        + String.join(", ", dataSources) + ")", "mark the DataSource bean for the lock table "
                        + "@DistributedLockDataSource (or @Primary)"));
            }
            return Optional.empty();
        }

        private static boolean isLockDataSource(ConfigurableListableBeanFactory beanFactory, String name) {
            return beanFactory.findAnnotationOnBean(name, DistributedLockDataSource.class, false) != null;
        }

        private static boolean isPrimary(ConfigurableListableBeanFactory beanFactory, String name) {
            return beanFactory.containsBeanDefinition(name) && beanFactory.getBeanDefinition(name).isPrimary();
        }
    }
}
