package dev.distlock.autoconfigure.etcd;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.distlock.DistributedLocks;
import dev.distlock.Lease;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.autoconfigure.backend.LockBackendFailureAnalyzer;
import dev.distlock.etcd.EtcdLockBackend;
import dev.distlock.testsupport.EtcdServerFixture;
import dev.distlock.testsupport.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * etcd over TLS end to end through the auto-configuration: a member that speaks only TLS with a
 * certificate signed by a CA the test generates, and demands a client certificate from that CA
 * ({@code --client-cert-auth}). A client without the CA, or without a client certificate, fails
 * start-up naming the properties to set.
 */
class EtcdTlsIT {

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
                .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class))
                .withPropertyValues("distlock.etcd.endpoints=" + etcd.clientUrl(), "distlock.etcd.connect-timeout=2s");
    }

    @Test
    void grantsOverTlsWithTheCaAndAClientCertificate() {
        assertThat(etcd.clientUrl()).startsWith("https://");
        runner().withPropertyValues("distlock.etcd.ca-certificate=" + certificates.caCertificate(),
                        "distlock.etcd.client-certificate=" + certificates.clientCertificate(),
                        "distlock.etcd.client-key=" + certificates.clientKey())
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(EtcdLockBackend.class);
                    Optional<Lease> acquired = context.getBean(DistributedLocks.class)
                            .tryAcquire("tls-etcd", Duration.ofSeconds(10), Duration.ofSeconds(5));
                    assertThat(acquired).isPresent();
                    try (Lease lease = acquired.get()) {
                        assertThat(lease.fencingToken()).isPositive();
                        assertThat(lease.isValid()).isTrue();
                    }
                });
    }

    @Test
    void withoutTheCaStartUpFailsSayingTheServerCertificateIsNotTrusted() {
        runner().withPropertyValues("distlock.etcd.client-certificate=" + certificates.clientCertificate(),
                        "distlock.etcd.client-key=" + certificates.clientKey())
                .run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis analysis = new LockBackendFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(analysis).isNotNull();
                    assertThat(analysis.getDescription()).contains("The TLS handshake with etcd at [" + etcd.clientUrl() + "] failed");
                    assertThat(analysis.getAction()).contains("distlock.etcd.ca-certificate");
                });
    }

    @Test
    void withoutAClientCertificateStartUpFailsNamingTheClientCertificateProperties() {
        runner().withPropertyValues("distlock.etcd.ca-certificate=" + certificates.caCertificate())
                .run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis analysis = new LockBackendFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(analysis).isNotNull();
                    assertThat(analysis.getDescription()).contains("The TLS handshake with etcd at [" + etcd.clientUrl() + "] failed");
                    assertThat(analysis.getAction()).contains("distlock.etcd.client-certificate", "distlock.etcd.client-key");
                });
    }
}
