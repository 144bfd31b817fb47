package dev.distlock.autoconfigure.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.distlock.DistributedLocks;
import dev.distlock.Lease;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.autoconfigure.backend.LockBackendFailureAnalyzer;
import dev.distlock.redis.RedisLockBackend;
import dev.distlock.redis.RedlockLockBackend;
import dev.distlock.testsupport.RedisServerFixture;
import dev.distlock.testsupport.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis over TLS end to end through the auto-configuration: redis-servers that speak only TLS
 * ({@code --tls-port}) with a certificate signed by a CA the test generates, which no JDK trusts.
 * Single mode through Spring Boot's {@code spring.data.redis.*} and an SSL bundle, Redlock through
 * {@code rediss://} nodes and {@code distlock.redis.ssl-bundle}; without the CA, start-up fails.
 */
class RedisTlsIT {

    private static final Duration LEASE = Duration.ofSeconds(10);

    private static TestCertificates certificates;
    private static final List<RedisServerFixture> servers = new ArrayList<>();

    @BeforeAll
    static void startServers() {
        certificates = TestCertificates.generate();
        for (int i = 0; i < 3; i++) {
            servers.add(RedisServerFixture.startTls(certificates));
        }
    }

    @AfterAll
    static void stopServers() {
        servers.forEach(RedisServerFixture::close);
        if (certificates != null) {
            certificates.close();
        }
    }

    private static ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, DataRedisAutoConfiguration.class,
                        DistributedLockAutoConfiguration.class))
                .withPropertyValues("spring.ssl.bundle.pem.redis-ca.truststore.certificate=" + certificates.caCertificate());
    }

    @Test
    void singleModeGrantsOverRedissWithTheCaOfAnSslBundle() {
        runner().withPropertyValues("spring.data.redis.url=" + servers.get(0).uri(), "spring.data.redis.ssl.bundle=redis-ca")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(RedisLockBackend.class);
                    assertGrantsWithAToken(context.getBean(DistributedLocks.class), "tls-single");
                });
    }

    @Test
    void singleModeWithoutTheCaFailsStartUpSayingTheCertificateIsNotTrusted() {
        runner().withPropertyValues("spring.data.redis.url=" + servers.get(0).uri()).run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new LockBackendFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("The TLS handshake with Redis (spring.data.redis.*) failed");
            assertThat(analysis.getAction()).contains("spring.data.redis.ssl.bundle");
        });
    }

    @Test
    void redlockGrantsOverRedissNodesWithTheCaOfAnSslBundle() {
        runner().withPropertyValues("distlock.redis.mode=redlock", "distlock.redis.nodes=" + nodes(),
                        "distlock.redis.ssl-bundle=redis-ca", "distlock.redis.node-timeout=1s")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(RedlockLockBackend.class);
                    assertGrantsWithAToken(context.getBean(DistributedLocks.class), "tls-redlock");
                });
    }

    @Test
    void redlockWithoutTheCaFailsStartUpSayingTheCertificateIsNotTrusted() {
        runner().withPropertyValues("distlock.redis.mode=redlock", "distlock.redis.nodes=" + nodes(),
                        "distlock.redis.node-timeout=1s")
                .run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis analysis = new LockBackendFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(analysis).isNotNull();
                    assertThat(analysis.getDescription())
                            .contains("The TLS handshake with the Redlock node 127.0.0.1:" + servers.get(0).port() + " failed");
                    assertThat(analysis.getAction()).contains("distlock.redis.ssl-bundle");
                });
    }

    @Test
    void redlockSslBundleWithoutSslBundlesFailsStartUpNamingTheProperty() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class))
                .withPropertyValues("distlock.redis.mode=redlock", "distlock.redis.nodes=" + nodes(),
                        "distlock.redis.ssl-bundle=redis-ca")
                .run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis analysis = new LockBackendFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(analysis).isNotNull();
                    assertThat(analysis.getDescription()).contains("distlock.redis.ssl-bundle is 'redis-ca'");
                    assertThat(analysis.getAction()).contains("spring.ssl.bundle.");
                });
    }

    private static String nodes() {
        return String.join(",", servers.stream().map(RedisServerFixture::uri).toList());
    }

    private static void assertGrantsWithAToken(DistributedLocks locks, String key) {
        Optional<Lease> acquired = locks.tryAcquire(key, LEASE, Duration.ofSeconds(5));
        assertThat(acquired).isPresent();
        try (Lease lease = acquired.get()) {
            assertThat(lease.fencingToken()).isPositive();
            assertThat(lease.isValid()).isTrue();
        }
    }
}
