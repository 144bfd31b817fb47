package dev.distlock.autoconfigure.jdbc;

import java.util.Arrays;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

import dev.distlock.autoconfigure.LockBackendType;
import dev.distlock.autoconfigure.backend.LockBackendCandidate;
import dev.distlock.autoconfigure.backend.LockBackendCondition;
import dev.distlock.jdbc.JdbcLockBackend;
import dev.distlock.jdbc.JdbcSettings;
import dev.distlock.spi.LockBackend;

/**
 * The JDBC backend on the application's {@link DataSource}: chosen by {@code distlock.backend=jdbc},
 * or when distlock-jdbc is the only backend module present and a single DataSource bean exists.
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
     * created first by distlock, a migration's CREATE TABLE would fail.
     */
    @Bean
    @DependsOnDatabaseInitialization
    JdbcLockBackend jdbcLockBackend(DataSource dataSource, JdbcLockProperties properties) {
        DataSource target = LockDataSources.withoutTransactionProxy(dataSource);
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
    public static final class Candidate implements LockBackendCandidate {

        /** By name: this class is loaded whether or not distlock-jdbc is present (a test checks the name). */
        static final String BACKEND_CLASS = "dev.distlock.jdbc.JdbcLockBackend";

        @Override
        public LockBackendType type() {
            return LockBackendType.JDBC;
        }

        @Override
        public Class<?> configurationClass() {
            return JdbcLockBackendConfiguration.class;
        }

        @Override
        public boolean modulePresent(ClassLoader classLoader) {
            return ClassUtils.isPresent(BACKEND_CLASS, classLoader);
        }

        @Override
        public Optional<Missing> missing(ClassLoader classLoader, ConfigurableListableBeanFactory beanFactory) {
            if (!modulePresent(classLoader)) {
                return Optional.of(Missing.module(LockBackendType.JDBC));
            }
            String[] dataSources = beanFactory.getBeanNamesForType(DataSource.class, true, false);
            if (dataSources.length == 0) {
                return Optional.of(new Missing("a DataSource bean", "add spring-boot-starter-jdbc and set spring.datasource.url "
                        + "(it defines a DataSource bean), or define a DataSource bean"));
            }
            if (dataSources.length > 1 && Arrays.stream(dataSources).filter(name -> isPrimary(beanFactory, name)).count() != 1) {
                return Optional.of(new Missing("a single or @Primary DataSource bean (found " + dataSources.length + ": "
                        + String.join(", ", dataSources) + ")", "mark the DataSource bean for the lock table @Primary"));
            }
            return Optional.empty();
        }

        private static boolean isPrimary(ConfigurableListableBeanFactory beanFactory, String name) {
            return beanFactory.containsBeanDefinition(name) && beanFactory.getBeanDefinition(name).isPrimary();
        }
    }
}
