package dev.distlock.autoconfigure.redis;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.ssl.SslBundle;

/**
 * The independent Redis nodes of {@code distlock.redis.mode=redlock}: by default
 * {@code distlock.redis.nodes} and {@code distlock.redis.ssl-bundle}; declare a bean of this type
 * (for example in a Testcontainers test, one node per container) to replace them. Single mode uses
 * the application's {@code RedisConnectionFactory}, and so Boot's own {@code RedisConnectionDetails}.
 */
public interface RedlockConnectionDetails extends ConnectionDetails {

    /** The nodes as redis://[[user:]password@]host:port or rediss://... (TLS); an odd number, at least three. */
    List<String> getNodes();

    /** The SSL bundle of the rediss:// nodes, or null for the JDK's trust store. */
    default @Nullable SslBundle getSslBundle() {
        return null;
    }
}
