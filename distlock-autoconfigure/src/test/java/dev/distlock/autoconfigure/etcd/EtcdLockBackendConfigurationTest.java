package dev.distlock.autoconfigure.etcd;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.etcd.jetcd.Client;

import org.junit.jupiter.api.Test;

import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.distlock.autoconfigure.BackendModules;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.autoconfigure.backend.LockBackendFailureAnalyzer;
import dev.distlock.engine.LockEngine;
import dev.distlock.etcd.EtcdLockBackend;
import dev.distlock.etcd.EtcdSettings;
import dev.distlock.inmemory.InMemoryLockBackend;
import dev.distlock.spi.BackendHealth;

import static org.assertj.core.api.Assertions.assertThat;

/** The etcd branch of the backend auto-configuration. No etcd is needed: jetcd connects on first use. */
@ExtendWith(OutputCaptureExtension.class)
class EtcdLockBackendConfigurationTest {

    /** Nothing listens there: a client of ours that tried to connect would fail at once. */
    private static final String UNUSED_ENDPOINT = "http://127.0.0.1:1";
    private static final String LOCAL_ONLY_WARNING = "locks are local to this JVM";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class));

    private static final ObjectProvider<SslBundles> NO_SSL_BUNDLES = new DefaultListableBeanFactory().getBeanProvider(SslBundles.class);

    @Test
    void propertiesHaveTheDefaultsOfEtcdSettings() {
        EtcdLockProperties properties = new EtcdLockProperties();
        assertThat(properties.getEndpoints()).containsExactly("http://127.0.0.1:2379");
        assertThat(properties.getConnectTimeout()).isEqualTo(EtcdSettings.DEFAULT_CONNECT_TIMEOUT);
        assertThat(properties.getRequestTimeout()).isEqualTo(EtcdSettings.DEFAULT_REQUEST_TIMEOUT);
        assertThat(properties.getKeyPrefix()).isEqualTo(EtcdSettings.DEFAULT_KEY_PREFIX);
        assertThat(properties.toSettings(new PropertiesEtcdLockConnectionDetails(properties, NO_SSL_BUNDLES))).isEqualTo(EtcdSettings.of("http://127.0.0.1:2379"));
    }

    @Test
    void everyPropertyBindsFromItsDocumentedFormAndReachesTheSettings() {
        Map<String, String> source = Map.of(
                "distlock.etcd.endpoints", "https://etcd-1:2379, https://etcd-2:2379",
                "distlock.etcd.user", "locks",
                "distlock.etcd.password", "s3cret",
                "distlock.etcd.ca-certificate", "/etc/etcd/ca.pem",
                "distlock.etcd.client-certificate", "/etc/etcd/client.pem",
                "distlock.etcd.client-key", "/etc/etcd/client-key.pem",
                "distlock.etcd.connect-timeout", "2s",
                "distlock.etcd.request-timeout", "750ms",
                "distlock.etcd.key-prefix", "/apps/billing/locks");
        EtcdLockProperties properties = new Binder(new MapConfigurationPropertySource(source))
                .bind("distlock.etcd", EtcdLockProperties.class).get();

        EtcdSettings settings = properties.toSettings(new PropertiesEtcdLockConnectionDetails(properties, NO_SSL_BUNDLES));
        assertThat(settings.endpoints()).extracting(Object::toString)
                .containsExactly("https://etcd-1:2379", "https://etcd-2:2379");
        assertThat(settings.user()).isEqualTo("locks");
        assertThat(settings.password()).isEqualTo("s3cret");
        assertThat(settings.caCertificate()).isEqualTo(Path.of("/etc/etcd/ca.pem"));
        assertThat(settings.clientCertificate()).isEqualTo(Path.of("/etc/etcd/client.pem"));
        assertThat(settings.clientKey()).isEqualTo(Path.of("/etc/etcd/client-key.pem"));
        assertThat(settings.tls()).isTrue();
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.requestTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(settings.keyPrefix()).isEqualTo("/apps/billing/locks");
    }

    @Test
    void propertiesAreBoundInTheContextWhenEtcdIsChosen() {
        runner.withPropertyValues("distlock.backend=etcd", "distlock.etcd.endpoints=" + UNUSED_ENDPOINT,
                        "distlock.etcd.user=locks", "distlock.etcd.password=s3cret", "distlock.etcd.request-timeout=750ms",
                        "distlock.etcd.key-prefix=/apps/billing")
                .run(context -> {
                    EtcdLockProperties properties = context.getBean(EtcdLockProperties.class);
                    assertThat(properties.getEndpoints()).containsExactly(UNUSED_ENDPOINT);
                    assertThat(properties.getUser()).isEqualTo("locks");
                    assertThat(properties.getRequestTimeout()).isEqualTo(Duration.ofMillis(750));
                    assertThat(properties.getKeyPrefix()).isEqualTo("/apps/billing");
                });
    }

    @Test
    void namedEtcdIsConfiguredWithTheDefaultEndpoint(CapturedOutput output) {
        runner.withPropertyValues("distlock.backend=etcd").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(EtcdLockBackend.class);
            assertThat(context).doesNotHaveBean(InMemoryLockBackend.class);
            assertThat(context.getBean(LockEngine.class).backend()).isSameAs(context.getBean(EtcdLockBackend.class));
            assertThat(context.getBean(EtcdLockProperties.class).getEndpoints()).containsExactly("http://127.0.0.1:2379");
            assertThat(output).doesNotContain(LOCAL_ONLY_WARNING);
        });
    }

    @Test
    void detectedWhenItsEndpointsAreSet() {
        runner.withPropertyValues("distlock.etcd.endpoints=" + UNUSED_ENDPOINT).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(LockEngine.class).backend()).isInstanceOf(EtcdLockBackend.class);
        });
    }

    @Test
    void detectedWhenTheApplicationHasAClientBean() {
        RecordingClient client = RecordingClient.on(UNUSED_ENDPOINT);
        runner.withUserConfiguration(ApplicationClient.class).withBean(RecordingClient.class, () -> client).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(LockEngine.class).backend()).isInstanceOf(EtcdLockBackend.class);
        });
        client.closeReal();
    }

    @Test
    void theModuleAloneIsNoConnectionSoStartUpFailsSayingWhatToSet(CapturedOutput output) {
        // This asserted the fallback to in-memory locks (with a WARN) before fail-closed: the defect, now a failure.
        runner.withClassLoader(BackendModules.only("dev.distlock.etcd")).run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new LockBackendFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("the etcd backend is the only lock backend module")
                    .contains("a jetcd Client bean or distlock.etcd.endpoints is missing");
            assertThat(analysis.getAction()).startsWith("Set distlock.etcd.endpoints")
                    .contains("distlock.backend=etcd to use the default endpoint http://127.0.0.1:2379")
                    .contains("distlock.backend=in-memory");
            assertThat(output).doesNotContain(LOCAL_ONLY_WARNING);
        });
    }

    @Test
    void theApplicationsClientIsUsedAndNotClosedWithTheContext() {
        RecordingClient client = RecordingClient.on(UNUSED_ENDPOINT);
        ConfigurableApplicationContext[] started = new ConfigurableApplicationContext[1];
        runner.withUserConfiguration(ApplicationClient.class).withBean(RecordingClient.class, () -> client)
                .withPropertyValues("distlock.backend=etcd", "distlock.etcd.request-timeout=200ms")
                .run(context -> {
                    started[0] = context;
                    EtcdLockBackend backend = context.getBean(EtcdLockBackend.class);
                    int callsBefore = client.calls.get();
                    BackendHealth health = backend.health();
                    // The health check went through the application's client (to an endpoint where nobody listens).
                    assertThat(client.calls.get()).isGreaterThan(callsBefore);
                    assertThat(health.up()).isFalse();
                });
        assertThat(started[0].isActive()).isFalse();
        assertThat(client.closeCalls.get()).as("close() calls on the application's Client").isZero();
        client.closeReal();
    }

    @Test
    void namedEtcdWithoutItsModuleFailsWithAnAnalysisNamingTheProperty() {
        for (String hidden : List.of("dev.distlock.etcd", "io.etcd.jetcd")) {
            runner.withClassLoader(new FilteredClassLoader(hidden)).withPropertyValues("distlock.backend=etcd").run(context -> {
                assertThat(context).as("with %s hidden", hidden).hasFailed();
                FailureAnalysis analysis = new LockBackendFailureAnalyzer().analyze(context.getStartupFailure());
                assertThat(analysis).isNotNull();
                assertThat(analysis.getDescription()).contains("distlock.backend is 'etcd'")
                        .contains("the dev.distlock:distlock-etcd module");
                assertThat(analysis.getAction()).contains("Add the dev.distlock:distlock-etcd module")
                        .contains("set distlock.backend to one of: in-memory, ")
                        .contains("etcd (needs the dev.distlock:distlock-etcd module");
            });
        }
    }

    @Test
    void withoutItsModuleEndpointsAloneSelectNothing() {
        runner.withClassLoader(BackendModules.none())
                .withPropertyValues("distlock.etcd.endpoints=" + UNUSED_ENDPOINT)
                .run(context -> assertThat(context.getBean(LockEngine.class).backend()).isInstanceOf(InMemoryLockBackend.class));
    }

    @Test
    void withoutAnyModuleTheFallbackWarningSaysSo(CapturedOutput output) {
        runner.withClassLoader(BackendModules.none()).run(context -> {
            assertThat(context.getBean(LockEngine.class).backend()).isInstanceOf(InMemoryLockBackend.class);
            assertThat(output).contains(LOCAL_ONLY_WARNING).contains("No distlock backend module is on the class path");
        });
    }

    @Test
    void theClassNamesTheCandidateLooksForAreTheRealOnes() {
        assertThat(EtcdLockBackendConfiguration.Candidate.BACKEND_CLASS).isEqualTo(EtcdLockBackend.class.getName());
        assertThat(EtcdLockBackendConfiguration.Candidate.CLIENT_CLASS).isEqualTo(Client.class.getName());
    }

    /** Exposes the recording client as the application's jetcd {@code Client}, whose lifecycle the application keeps. */
    @Configuration(proxyBeanMethods = false)
    static class ApplicationClient {

        // destroyMethod "": the application closes its client itself, so any close() seen is distlock's.
        @Bean(destroyMethod = "")
        Client etcdClient(RecordingClient recording) {
            return recording.client;
        }
    }

    /** A real jetcd client behind a proxy that counts calls, and close() calls separately. */
    static final class RecordingClient {

        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger closeCalls = new AtomicInteger();
        final Set<String> methods = ConcurrentHashMap.newKeySet();
        final Client real;
        final Client client;

        private RecordingClient(Client real) {
            this.real = real;
            this.client = (Client) Proxy.newProxyInstance(Client.class.getClassLoader(), new Class<?>[] {Client.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("close")) {
                            closeCalls.incrementAndGet();
                            return null;
                        }
                        calls.incrementAndGet();
                        methods.add(method.getName());
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        static RecordingClient on(String endpoint) {
            return new RecordingClient(Client.builder().endpoints(endpoint).build());
        }

        void closeReal() {
            real.close();
        }
    }
}
