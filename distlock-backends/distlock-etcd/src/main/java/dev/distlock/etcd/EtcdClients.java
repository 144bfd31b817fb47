package dev.distlock.etcd;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.options.GetOption;
import dev.distlock.spi.support.Causes;

/** Builds the jetcd {@link Client} that an {@link EtcdLockBackend} owns when it is made from settings. */
public final class EtcdClients {

    private EtcdClients() {
    }

    public static Client create(EtcdSettings settings) {
        return create(settings, builder -> { });
    }

    /** A client from {@code settings}, then {@code customizer} (e.g. TLS from managers rather than PEM files). */
    public static Client create(EtcdSettings settings, Consumer<ClientBuilder> customizer) {
        return builder(settings, customizer).build();
    }

    /**
     * Why etcd at {@code settings} does not answer one read within {@code wait}, or empty when it does;
     * for start-up checks. On a client of its own that fails a call once the connection failed
     * (no wait-for-ready, no retries), so that the cause, e.g. a TLS handshake that etcd or we
     * refused, comes back instead of a timeout.
     */
    public static Optional<Throwable> connectionFailure(EtcdSettings settings, Duration wait) {
        return connectionFailure(settings, builder -> { }, wait);
    }

    /** Like {@link #connectionFailure(EtcdSettings, Duration)} for a client that {@code customizer} completes. */
    public static Optional<Throwable> connectionFailure(EtcdSettings settings, Consumer<ClientBuilder> customizer, Duration wait) {
        try (Client probe = builder(settings, customizer).waitForReady(false).retryMaxAttempts(0).build()) {
            probe.getKVClient().get(ByteSequence.from(settings.keyPrefix(), StandardCharsets.UTF_8),
                    GetOption.builder().withCountOnly(true).build()).get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.of(Causes.unwrap(e));
        } catch (TimeoutException | RuntimeException e) {
            return Optional.of(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(e);
        }
    }

    private static ClientBuilder builder(EtcdSettings settings, Consumer<ClientBuilder> customizer) {
        ClientBuilder builder = Client.builder()
                .endpoints(settings.endpoints().toArray(URI[]::new))
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
        customizer.accept(builder);
        return builder;
    }
}
