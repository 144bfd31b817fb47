package dev.distlock.autoconfigure.etcd;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.distlock.etcd.EtcdSettings;

/**
 * The {@code distlock.etcd.*} properties. TLS from a Spring Boot SSL bundle ({@code ssl-bundle}),
 * or from PEM files given as file system paths (e.g. a mounted secret): gRPC reads them as files,
 * which a resource inside a jar is not. With a jetcd
 * {@code Client} bean of the application's own, only {@code key-prefix} and {@code request-timeout}
 * apply: the connection is the application's.
 */
@ConfigurationProperties("distlock.etcd")
public class EtcdLockProperties {

    // Defaults written as literals (the same as EtcdSettings', which a test checks) so that the
    // configuration processor can put them into the IDE metadata.

    /** Client URLs of the etcd members, e.g. http://10.0.0.1:2379; list every member of a cluster. */
    private List<String> endpoints = new ArrayList<>(List.of("http://127.0.0.1:2379"));

    /** User name when etcd authentication is on; set together with password. */
    private @Nullable String user;

    /** Password of the etcd user. */
    private @Nullable String password;

    /**
     * Name of the Spring Boot SSL bundle (spring.ssl.bundle.*) whose trust store, and key store where etcd
     * demands client certificates, secure the connections; instead of the PEM file properties.
     */
    private String sslBundle;

    /** PEM file of the CA that signed the etcd servers' certificates; setting it turns TLS on. */
    private @Nullable Path caCertificate;

    /** PEM client certificate for mutual TLS; set together with client-key. */
    private @Nullable Path clientCertificate;

    /** PEM (PKCS#8) private key of the client certificate. */
    private @Nullable Path clientKey;

    /** How long a connection attempt to one etcd endpoint may take. */
    private Duration connectTimeout = Duration.ofSeconds(5);

    /** How long one call to etcd (a transaction, a lease grant) may take before the lock operation fails. */
    private Duration requestTimeout = Duration.ofSeconds(5);

    /** etcd key under which every lock lives, so that locks do not mix with the application's own keys. */
    private String keyPrefix = "/distlock";

    /** The settings of a backend that owns its client, connected as {@code connection} says; validated by {@link EtcdSettings}. */
    EtcdSettings toSettings(EtcdLockConnectionDetails connection) {
        List<URI> uris = List.copyOf(connection.getEndpoints());
        return new EtcdSettings(uris, connection.getUsername(), connection.getPassword(), caCertificate, clientCertificate,
                clientKey, connectTimeout, requestTimeout, keyPrefix);
    }

    public List<String> getEndpoints() {
        return endpoints;
    }

    public void setEndpoints(List<String> endpoints) {
        this.endpoints = endpoints;
    }

    public @Nullable String getUser() {
        return user;
    }

    public void setUser(@Nullable String user) {
        this.user = user;
    }

    public @Nullable String getPassword() {
        return password;
    }

    public void setPassword(@Nullable String password) {
        this.password = password;
    }

    public @Nullable String getSslBundle() {
        return sslBundle;
    }

    public void setSslBundle(@Nullable String sslBundle) {
        this.sslBundle = sslBundle;
    }

    public @Nullable Path getCaCertificate() {
        return caCertificate;
    }

    public void setCaCertificate(@Nullable Path caCertificate) {
        this.caCertificate = caCertificate;
    }

    public @Nullable Path getClientCertificate() {
        return clientCertificate;
    }

    public void setClientCertificate(@Nullable Path clientCertificate) {
        this.clientCertificate = clientCertificate;
    }

    public @Nullable Path getClientKey() {
        return clientKey;
    }

    public void setClientKey(@Nullable Path clientKey) {
        this.clientKey = clientKey;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public String getKeyPrefix() {
        return keyPrefix;
    }

    public void setKeyPrefix(String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }
}
