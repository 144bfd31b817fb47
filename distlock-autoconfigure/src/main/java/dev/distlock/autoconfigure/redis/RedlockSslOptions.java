package dev.distlock.autoconfigure.redis;

import io.lettuce.core.SslOptions;

import org.springframework.boot.ssl.SslBundle;

/** Lettuce's {@link SslOptions} for Redlock nodes from a Spring Boot SSL bundle, as Boot's own Lettuce configuration builds them. */
final class RedlockSslOptions {

    private RedlockSslOptions() {
    }

    static SslOptions from(SslBundle bundle) {
        SslOptions.Builder builder = SslOptions.builder()
                .keyManager(bundle.getManagers().getKeyManagerFactory())
                .trustManager(bundle.getManagers().getTrustManagerFactory());
        org.springframework.boot.ssl.SslOptions options = bundle.getOptions();
        if (options.getCiphers() != null) {
            builder.cipherSuites(options.getCiphers());
        }
        if (options.getEnabledProtocols() != null) {
            builder.protocols(options.getEnabledProtocols());
        }
        return builder.build();
    }
}
