package dev.distlock.autoconfigure.redis;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

import dev.distlock.autoconfigure.backend.LockSslBundles;

/** {@link RedlockConnectionDetails} from {@code distlock.redis.nodes} and {@code distlock.redis.ssl-bundle}. */
final class PropertiesRedlockConnectionDetails implements RedlockConnectionDetails {

    private final RedisLockProperties properties;
    private final ObjectProvider<SslBundles> sslBundles;

    PropertiesRedlockConnectionDetails(RedisLockProperties properties, ObjectProvider<SslBundles> sslBundles) {
        this.properties = properties;
        this.sslBundles = sslBundles;
    }

    @Override
    public List<String> getNodes() {
        return properties.getNodes();
    }

    @Override
    public @Nullable SslBundle getSslBundle() {
        return LockSslBundles.named("distlock.redis.ssl-bundle", properties.getSslBundle(), sslBundles);
    }
}
