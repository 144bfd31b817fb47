package dev.distlock.autoconfigure.etcd;

import java.util.Arrays;
import java.util.function.Consumer;

import javax.net.ssl.SSLException;

import io.etcd.jetcd.ClientBuilder;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslOptions;

import dev.distlock.autoconfigure.backend.LockBackendNotAvailableException;

/** TLS for distlock's jetcd client from a Spring Boot SSL bundle: its trust store, its key store for mutual TLS, its protocols and ciphers. */
final class EtcdSslBundleTls {

    private EtcdSslBundleTls() {
    }

    static Consumer<ClientBuilder> of(SslBundle bundle) {
        return builder -> {
            try {
                builder.sslContext(ssl -> {
                    ssl.trustManager(bundle.getManagers().getTrustManagerFactory());
                    if (bundle.getStores().getKeyStore() != null) {
                        ssl.keyManager(bundle.getManagers().getKeyManagerFactory());
                    }
                    SslOptions options = bundle.getOptions();
                    if (options.getEnabledProtocols() != null) {
                        ssl.protocols(options.getEnabledProtocols());
                    }
                    if (options.getCiphers() != null) {
                        ssl.ciphers(Arrays.asList(options.getCiphers()));
                    }
                });
            } catch (SSLException e) {
                throw new LockBackendNotAvailableException("The SSL bundle of distlock.etcd.ssl-bundle cannot secure "
                        + "a connection to etcd: " + e.getMessage(), "Check the bundle's stores under spring.ssl.bundle.*.");
            }
        };
    }
}
