package dev.distlock.etcd;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How to reach etcd, as plain values: the Spring wiring binds {@code distlock.etcd.*} to this.
 *
 * @param endpoints         client URLs, e.g. {@code http://10.0.0.1:2379}; several for a cluster
 * @param user              user name when etcd authentication is on, else null
 * @param password          the user's password, else null
 * @param caCertificate     PEM file of the CA that signed the servers' certificates (TLS), else null
 * @param clientCertificate PEM client certificate for mutual TLS, else null
 * @param clientKey         PEM (PKCS#8) key of the client certificate, else null
 * @param connectTimeout    how long a connection attempt to one endpoint may take
 * @param requestTimeout    how long one backend call (a transaction, a lease grant) may take before it
 *                          fails with a {@code LockBackendException}
 * @param keyPrefix         every lock lives under {@code <keyPrefix>/<encoded key>/}
 */
public record EtcdSettings(List<URI> endpoints, String user, String password, Path caCertificate,
                           Path clientCertificate, Path clientKey, Duration connectTimeout,
                           Duration requestTimeout, String keyPrefix) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    public static final String DEFAULT_KEY_PREFIX = "/distlock";

    public EtcdSettings {
        Objects.requireNonNull(endpoints, "endpoints");
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("At least one etcd endpoint is needed, e.g. http://127.0.0.1:2379");
        }
        endpoints = List.copyOf(endpoints);
        if ((user == null) != (password == null)) {
            throw new IllegalArgumentException("etcd user and password go together: set both or neither");
        }
        if ((clientCertificate == null) != (clientKey == null)) {
            throw new IllegalArgumentException("etcd client certificate and key go together: set both or neither");
        }
        connectTimeout = positive("connectTimeout", connectTimeout, DEFAULT_CONNECT_TIMEOUT);
        requestTimeout = positive("requestTimeout", requestTimeout, DEFAULT_REQUEST_TIMEOUT);
        keyPrefix = EtcdKeyLayout.normalizePrefix(keyPrefix == null ? DEFAULT_KEY_PREFIX : keyPrefix);
    }

    /** Plain-text connection to {@code endpoints}, default timeouts and prefix. */
    public static EtcdSettings of(String... endpoints) {
        List<URI> uris = Arrays.stream(endpoints).map(URI::create).toList();
        return new EtcdSettings(uris, null, null, null, null, null, null, null, null);
    }

    public EtcdSettings withCredentials(String user, String password) {
        return new EtcdSettings(endpoints, user, password, caCertificate, clientCertificate, clientKey,
                connectTimeout, requestTimeout, keyPrefix);
    }

    /** TLS with the server CA; {@code clientCertificate}/{@code clientKey} may be null (no mutual TLS). */
    public EtcdSettings withTls(Path caCertificate, Path clientCertificate, Path clientKey) {
        return new EtcdSettings(endpoints, user, password, caCertificate, clientCertificate, clientKey,
                connectTimeout, requestTimeout, keyPrefix);
    }

    public EtcdSettings withTimeouts(Duration connectTimeout, Duration requestTimeout) {
        return new EtcdSettings(endpoints, user, password, caCertificate, clientCertificate, clientKey,
                connectTimeout, requestTimeout, keyPrefix);
    }

    public EtcdSettings withKeyPrefix(String keyPrefix) {
        return new EtcdSettings(endpoints, user, password, caCertificate, clientCertificate, clientKey,
                connectTimeout, requestTimeout, keyPrefix);
    }

    /** TLS is on when a CA or a client certificate is given (or an endpoint says https). */
    public boolean tls() {
        return caCertificate != null || clientCertificate != null
                || endpoints.stream().anyMatch(uri -> "https".equalsIgnoreCase(uri.getScheme()));
    }

    @Override
    public String toString() {
        // Never print the password.
        return "EtcdSettings[endpoints=" + endpoints + ", user=" + user + ", tls=" + tls()
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
                + ", keyPrefix=" + keyPrefix + "]";
    }

    private static Duration positive(String what, Duration value, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + value);
        }
        return value;
    }
}
