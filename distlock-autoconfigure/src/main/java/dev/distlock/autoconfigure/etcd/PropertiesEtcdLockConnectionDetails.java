package dev.distlock.autoconfigure.etcd;

import java.net.URI;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

import dev.distlock.autoconfigure.backend.LockSslBundles;

/** {@link EtcdLockConnectionDetails} from {@code distlock.etcd.*}. */
final class PropertiesEtcdLockConnectionDetails implements EtcdLockConnectionDetails {

    private final EtcdLockProperties properties;
    private final ObjectProvider<SslBundles> sslBundles;

    PropertiesEtcdLockConnectionDetails(EtcdLockProperties properties, ObjectProvider<SslBundles> sslBundles) {
        this.properties = properties;
        this.sslBundles = sslBundles;
    }

    @Override
    public List<URI> getEndpoints() {
        return properties.getEndpoints().stream().map(String::trim).map(URI::create).toList();
    }

    @Override
    public @Nullable String getUsername() {
        return properties.getUser();
    }

    @Override
    public @Nullable String getPassword() {
        return properties.getPassword();
    }

    @Override
    public @Nullable SslBundle getSslBundle() {
        return LockSslBundles.named("distlock.etcd.ssl-bundle", properties.getSslBundle(), sslBundles);
    }
}
