package dev.distlock.autoconfigure.fencing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.distlock.fencing.FencingToken;
import dev.distlock.fencing.jdbc.FencedJdbc;
import dev.distlock.fencing.redis.FencedRedis;

class DistributedLockFencingAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                    DistributedLockFencingAutoConfiguration.class))
            .withPropertyValues("spring.datasource.url=jdbc:h2:mem:fencing-config;DB_CLOSE_DELAY=-1");

    @Test
    void fencedJdbcOnTheApplicationsDataSource() {
        runner.run(context -> assertThat(context).hasSingleBean(FencedJdbc.class).doesNotHaveBean(FencedRedis.class));
    }

    @Test
    void fencedRedisOnTheApplicationsConnectionFactory() {
        // Never connected: the bean is only built.
        runner.withBean(RedisConnectionFactory.class, () -> new LettuceConnectionFactory("127.0.0.1", 1))
                .run(context -> assertThat(context).hasSingleBean(FencedRedis.class));
    }

    @Test
    void theApplicationsOwnHelperWins() {
        runner.withBean("custom", FencedJdbc.class, () -> new FencedJdbc(new org.springframework.jdbc.datasource.SimpleDriverDataSource())
                        .withFenceColumn("lock_token"))
                .run(context -> assertThat(context.getBean(FencedJdbc.class).fenceColumn()).isEqualTo("lock_token"));
    }

    @Test
    void nothingWithoutTheFencingModule() {
        runner.withClassLoader(new FilteredClassLoader(FencingToken.class.getPackageName()))
                .run(context -> assertThat(context).doesNotHaveBean(FencedJdbc.class));
    }
}
