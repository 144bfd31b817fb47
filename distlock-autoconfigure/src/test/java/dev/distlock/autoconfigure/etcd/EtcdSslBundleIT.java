package dev.distlock.autoconfigure.etcd;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.distlock.DistributedLocks;
import dev.distlock.Lease;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.autoconfigure.backend.LockBackendFailureAnalyzer;
import dev.distlock.testsupport.EtcdServerFixture;
import dev.distlock.testsupport.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * etcd over mutual TLS from a Spring Boot SSL bundle ({@code distlock.etcd.ssl-bundle}) instead of
 * PEM file paths: the member speaks only TLS and demands a client certificate from the test's CA.
 */
class EtcdSslBundleIT {

    private static TestCertificates certificates;
    private static EtcdServerFixture etcd;

    @BeforeAll
    static void startEtcd() {
        certificates = TestCertificates.generate();
        etcd = EtcdServerFixture.startTls(certificates);
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
        if (certificates != null) {
            certificates.close();
        }
    }

    private static ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, DistributedLockAutoConfiguration.class))
                .withPropertyValues("distlock.etcd.endpoints=" + etcd.clientUrl(), "distlock.etcd.connect-timeout=2s",
                        "spring.ssl.bundle.pem.etcd-mtls.truststore.certificate=" + certificates.caCertificate(),
                        "spring.ssl.bundle.pem.etcd-mtls.keystore.certificate=" + certificates.clientCertificate(),
                        "spring.ssl.bundle.pem.etcd-mtls.keystore.private-key=" + certificates.clientKey(),
                        "spring.ssl.bundle.pem.etcd-ca.truststore.certificate=" + certificates.caCertificate());
    }

    @Test
    void grantsOverMutualTlsWithAnSslBundle() {
        runner().withPropertyValues("distlock.etcd.ssl-bundle=etcd-mtls").run(context -> {
            assertThat(context).hasNotFailed();
            Optional<Lease> acquired = context.getBean(DistributedLocks.class)
                    .tryAcquire("bundle-etcd", Duration.ofSeconds(10), Duration.ofSeconds(5));
            assertThat(acquired).isPresent();
            try (Lease lease = acquired.get()) {
                assertThat(lease.fencingToken()).isPositive();
            }
        });
    }

    @Test
    void aBundleWithoutAClientCertificateFailsStartUpNamingTheBundleProperty() {
        runner().withPropertyValues("distlock.etcd.ssl-bundle=etcd-ca").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new LockBackendFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("The TLS handshake with etcd at [" + etcd.clientUrl() + "] failed");
            assertThat(analysis.getAction()).contains("distlock.etcd.ssl-bundle");
        });
    }

    @Test
    void aBundleAndPemFilesTogetherFailStartUpAskingForOne() {
        runner().withPropertyValues("distlock.etcd.ssl-bundle=etcd-mtls",
                "distlock.etcd.ca-certificate=" + certificates.caCertificate()).run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new LockBackendFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("Both an SSL bundle and distlock.etcd's PEM files");
        });
    }
}
