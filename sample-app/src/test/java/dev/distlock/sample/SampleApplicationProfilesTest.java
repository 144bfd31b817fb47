package dev.distlock.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.distlock.engine.LockEngine;
import dev.distlock.etcd.EtcdLockBackend;
import dev.distlock.inmemory.InMemoryLockBackend;
import dev.distlock.testsupport.EtcdServerFixture;

/** distlock-etcd is on the sample's classpath: it must take over only with the etcd profile. */
class SampleApplicationProfilesTest {

    @Test
    void withoutAProfileTheSampleStaysOnTheInMemoryBackend() {
        try (ConfigurableApplicationContext app = sample().run("--sample.report.interval=PT1H")) {
            assertThat(app.getBean(LockEngine.class).backend()).isInstanceOf(InMemoryLockBackend.class);
        }
    }

    @Test
    void theEtcdProfileLocksInEtcd() {
        try (EtcdServerFixture etcd = EtcdServerFixture.start();
             ConfigurableApplicationContext app = sample().profiles("etcd")
                     .run("--distlock.etcd.endpoints=" + etcd.clientUrl(), "--sample.report.interval=PT1H")) {
            assertThat(app.getBean(LockEngine.class).backend()).isInstanceOf(EtcdLockBackend.class);
            OrderService orders = app.getBean(OrderService.class);
            Payment first = orders.pay(new Order("order-7", BigDecimal.TEN));
            Payment second = orders.pay(new Order("order-7", BigDecimal.TEN));
            assertThat(first.charged()).isTrue();
            assertThat(second.charged()).isFalse();
            assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
        }
    }

    private static SpringApplicationBuilder sample() {
        return new SpringApplicationBuilder(SampleApplication.class).web(WebApplicationType.NONE);
    }
}
