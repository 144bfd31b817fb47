package dev.distlock.autoconfigure.etcd;

import java.util.Optional;
import java.util.function.Consumer;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

import dev.distlock.autoconfigure.LockBackendType;
import dev.distlock.autoconfigure.backend.CandidateContext;
import dev.distlock.autoconfigure.backend.ModuleBackendCandidate;
import dev.distlock.autoconfigure.backend.LockBackendCondition;
import dev.distlock.autoconfigure.backend.LockBackendNotAvailableException;
import dev.distlock.autoconfigure.backend.TlsStartUpCheck;
import dev.distlock.etcd.EtcdClients;
import dev.distlock.etcd.EtcdLockBackend;
import dev.distlock.etcd.EtcdSettings;
import dev.distlock.spi.LockBackend;

/**
 * The etcd backend: chosen by {@code distlock.backend=etcd}, or, when that is not set, by the
 * distlock-etcd module together with a connection (a jetcd {@link Client} bean or
 * {@code distlock.etcd.endpoints}). On the application's {@code Client} bean when there is one,
 * which the backend uses as is and never closes; otherwise on a client of its own built from
 * {@link EtcdLockConnectionDetails} (from {@code distlock.etcd.*} unless the application declares
 * its own), closed with the backend.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({EtcdLockBackend.class, Client.class})
@ConditionalOnMissingBean(LockBackend.class)
@Conditional(LockBackendCondition.class)
@EnableConfigurationProperties(EtcdLockProperties.class)
public final class EtcdLockBackendConfiguration {

    static final String TLS_ACTION = "Set distlock.etcd.ssl-bundle to an SSL bundle whose trust store holds the CA that "
            + "signed the etcd servers' certificates (spring.ssl.bundle.pem.<name>.truststore.certificate), with a key store "
            + "too where etcd runs with --client-cert-auth; or set distlock.etcd.ca-certificate to that CA's PEM file and "
            + "distlock.etcd.client-certificate and distlock.etcd.client-key to a client certificate signed by a CA that etcd "
            + "trusts (--trusted-ca-file).";

    @Bean
    @ConditionalOnMissingBean(EtcdLockConnectionDetails.class)
    PropertiesEtcdLockConnectionDetails etcdLockConnectionDetails(EtcdLockProperties properties,
                                                                  ObjectProvider<SslBundles> sslBundles) {
        return new PropertiesEtcdLockConnectionDetails(properties, sslBundles);
    }

    /** Closed by the context (it is AutoCloseable): revokes its leases, and closes its client if it owns one. */
    @Bean
    EtcdLockBackend etcdLockBackend(EtcdLockProperties properties, EtcdLockConnectionDetails connectionDetails,
                                    ObjectProvider<Client> applicationClient) {
        // getIfAvailable, not getIfUnique: two Client beans without a @Primary fail start-up rather
        // than silently leaving both unused for a client of our own.
        Client client = applicationClient.getIfAvailable();
        if (client != null) {
            return new EtcdLockBackend(client, properties.getKeyPrefix(), properties.getRequestTimeout());
        }
        EtcdSettings settings = properties.toSettings(connectionDetails);
        SslBundle bundle = connectionDetails.getSslBundle();
        if (bundle != null && (settings.caCertificate() != null || settings.clientCertificate() != null)) {
            throw new LockBackendNotAvailableException("Both an SSL bundle and distlock.etcd's PEM files are set for etcd.",
                    "Use one: remove distlock.etcd.ca-certificate, client-certificate and client-key, or the SSL bundle.");
        }
        Consumer<ClientBuilder> tls = bundle != null ? EtcdSslBundleTls.of(bundle) : builder -> { };
        if (settings.tls() || bundle != null) {
            EtcdClients.connectionFailure(settings, tls, settings.connectTimeout()).ifPresent(failure ->
                    TlsStartUpCheck.refuseTlsFailure("etcd at " + settings.endpoints(), failure, TLS_ACTION));
        }
        return new EtcdLockBackend(settings, tls);
    }

    /**
     * Present when distlock-etcd and jetcd are on the classpath. Detection also needs a connection, a
     * {@code Client} bean or {@code distlock.etcd.endpoints}, rather than trusting the default endpoint
     * (localhost) that nobody configured: the module alone fails start-up saying so. Named by
     * {@code distlock.backend=etcd}, the module is enough and the default endpoint applies.
     */
    public static final class Candidate extends ModuleBackendCandidate {

        /**
         * By name: these classes may be absent when this candidate is asked, and the class loader to
         * look in is the application's. A test checks that the names match the classes.
         */
        static final String BACKEND_CLASS = "dev.distlock.etcd.EtcdLockBackend";
        static final String CLIENT_CLASS = "io.etcd.jetcd.Client";
        static final String ENDPOINTS_PROPERTY = "distlock.etcd.endpoints";

        public Candidate() {
            super(LockBackendType.ETCD, EtcdLockBackendConfiguration.class, BACKEND_CLASS);
        }

        @Override
        protected Optional<Missing> missingBesidesModule(CandidateContext context) {
            if (!ClassUtils.isPresent(CLIENT_CLASS, context.classLoader())) {
                return Optional.of(moduleDependency("io.etcd:jetcd-core"));
            }
            return Optional.empty();
        }

        @Override
        public Optional<Missing> missingConnection(CandidateContext context) {
            // Bound, not bound-or-created: the question is whether the application set endpoints, not what they default to.
            if (Jetcd.hasClientBean(context) || context.hasBean(EtcdLockConnectionDetails.class)
                    || context.binder().bind(ENDPOINTS_PROPERTY, Bindable.listOf(String.class)).isBound()) {
                return Optional.empty();
            }
            return Optional.of(new Missing("a jetcd Client bean or " + ENDPOINTS_PROPERTY, "set " + ENDPOINTS_PROPERTY
                    + " (e.g. http://etcd-1:2379,http://etcd-2:2379), define a jetcd Client bean or an EtcdLockConnectionDetails bean; or set "
                    + "distlock.backend=etcd to use the default endpoint http://127.0.0.1:2379"));
        }

    }

    /** Touches jetcd's types only once it is known to be present. */
    private static final class Jetcd {

        static boolean hasClientBean(CandidateContext context) {
            return context.hasBean(Client.class);
        }
    }
}
