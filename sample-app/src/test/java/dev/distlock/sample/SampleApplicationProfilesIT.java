package dev.distlock.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.distlock.engine.LockEngine;
import dev.distlock.etcd.EtcdLockBackend;
import dev.distlock.jdbc.JdbcDialect;
import dev.distlock.jdbc.JdbcLockBackend;
import dev.distlock.testsupport.EtcdServerFixture;

/** distlock-etcd is on the sample's classpath: it must take over only with the etcd profile. */
class SampleApplicationProfilesIT {

    /** An H2 file of this test's own, so that a sample app started by hand does not share it. */
    @TempDir
    Path directory;

    @Test
    void withoutAProfileTheSampleLocksInItsH2File() {
        try (ConfigurableApplicationContext app = sample().run(databaseUrl(), "--sample.report.interval=PT1H")) {
            assertThat(app.getBean(LockEngine.class).backend()).isInstanceOfSatisfying(JdbcLockBackend.class,
                    backend -> assertThat(backend.dialect()).isEqualTo(JdbcDialect.H2));
        }
    }

    @Test
    void theEtcdProfileLocksInEtcd() {
        try (EtcdServerFixture etcd = EtcdServerFixture.start();
             ConfigurableApplicationContext app = sample().profiles("etcd")
                     .run(databaseUrl(), "--distlock.etcd.endpoints=" + etcd.clientUrl(), "--sample.report.interval=PT1H")) {
            assertThat(app.getBean(LockEngine.class).backend()).isInstanceOf(EtcdLockBackend.class);
            OrderService orders = app.getBean(OrderService.class);
            Payment first = orders.pay(new Order("order-7", BigDecimal.TEN));
            Payment second = orders.pay(new Order("order-7", BigDecimal.TEN));
            assertThat(first.charged()).isTrue();
            assertThat(second.charged()).isFalse();
            assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
        }
    }

    private SpringApplicationBuilder sample() {
        return new SpringApplicationBuilder(SampleApplication.class).web(WebApplicationType.NONE);
    }

    /** An argument, not a default property: application.yml would override a default. */
    private String databaseUrl() {
        return "--spring.datasource.url=jdbc:h2:file:" + directory.resolve("sample") + ";AUTO_SERVER=TRUE";
    }
}
