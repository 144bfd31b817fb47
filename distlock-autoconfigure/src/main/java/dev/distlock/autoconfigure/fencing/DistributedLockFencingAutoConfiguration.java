package dev.distlock.autoconfigure.fencing;

import javax.sql.DataSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.distlock.fencing.jdbc.FencedJdbc;
import dev.distlock.fencing.redis.FencedRedis;

/**
 * The fencing helpers of distlock-fencing as beans, on the application's own DataSource and
 * RedisConnectionFactory, when both the module and the store's Spring library are present. Each
 * backs off when the application defines its own (another fence column, a second database).
 * Independent of the lock backend: the lock may live in etcd and the writes go to PostgreSQL.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        // Spring Boot 3.5
        "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration",
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration"})
@ConditionalOnClass(name = DistributedLockFencingAutoConfiguration.FENCING_MODULE_CLASS)
@Import({DistributedLockFencingAutoConfiguration.Jdbc.class, DistributedLockFencingAutoConfiguration.Redis.class})
public final class DistributedLockFencingAutoConfiguration {

    /** By name: this class is loaded whether or not distlock-fencing is present. */
    static final String FENCING_MODULE_CLASS = "dev.distlock.fencing.FencingToken";

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({FencedJdbc.class, JdbcClient.class})
    @ConditionalOnSingleCandidate(DataSource.class)
    static final class Jdbc {

        /** Through a JdbcClient on the DataSource: inside a Spring transaction, its connection. */
        @Bean
        @ConditionalOnMissingBean
        FencedJdbc fencedJdbc(DataSource dataSource) {
            return new FencedJdbc(dataSource);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({FencedRedis.class, RedisConnectionFactory.class})
    @ConditionalOnSingleCandidate(RedisConnectionFactory.class)
    static final class Redis {

        @Bean
        @ConditionalOnMissingBean
        FencedRedis fencedRedis(RedisConnectionFactory connectionFactory) {
            return new FencedRedis(connectionFactory);
        }
    }
}
