package dev.distlock.autoconfigure.etcd;

import java.net.URI;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.ssl.SslBundle;

/**
 * Where distlock's own etcd client connects, as Spring Boot's {@code ConnectionDetails} say it for
 * Boot's stores: by default from {@code distlock.etcd.*}; declare a bean of this type (for example
 * in a Testcontainers test, from the container's mapped port) to replace them. Not used when the
 * application has its own jetcd {@code Client} bean.
 */
public interface EtcdLockConnectionDetails extends ConnectionDetails {

    /** Client URLs of the etcd members. */
    List<URI> getEndpoints();

    /** User name when etcd authentication is on, or null. */
    default @Nullable String getUsername() {
        return null;
    }

    /** Password of {@link #getUsername()}, or null. */
    default @Nullable String getPassword() {
        return null;
    }

    /** The SSL bundle that secures the connections, or null for plain connections or the PEM files of {@code distlock.etcd.*}. */
    default @Nullable SslBundle getSslBundle() {
        return null;
    }
}
