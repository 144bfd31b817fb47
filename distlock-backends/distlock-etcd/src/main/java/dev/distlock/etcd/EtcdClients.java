package dev.distlock.etcd;

import java.nio.charset.StandardCharsets;

import javax.net.ssl.SSLException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;

/** Builds the jetcd {@link Client} that an {@link EtcdLockBackend} owns when it is made from settings. */
public final class EtcdClients {

    private EtcdClients() {
    }

    public static Client create(EtcdSettings settings) {
        ClientBuilder builder = Client.builder()
                .endpoints(settings.endpoints().toArray(java.net.URI[]::new))
                .connectTimeout(settings.connectTimeout());
        if (settings.user() != null) {
            builder.user(ByteSequence.from(settings.user(), StandardCharsets.UTF_8))
                    .password(ByteSequence.from(settings.password(), StandardCharsets.UTF_8));
        }
        if (settings.tls()) {
            try {
                builder.sslContext(ssl -> {
                    if (settings.caCertificate() != null) {
                        ssl.trustManager(settings.caCertificate().toFile());
                    }
                    if (settings.clientCertificate() != null) {
                        ssl.keyManager(settings.clientCertificate().toFile(), settings.clientKey().toFile());
                    }
                });
            } catch (SSLException e) {
                throw new IllegalArgumentException("Could not set up TLS for etcd from " + settings + ": "
                        + e.getMessage(), e);
            }
        }
        return builder.build();
    }
}
