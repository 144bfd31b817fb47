package dev.distlock.autoconfigure.backend;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/** The SSL bundle a {@code distlock.*.ssl-bundle} property names, or a start-up failure that says how to define it. */
public final class LockSslBundles {

    private LockSslBundles() {
    }

    /** The bundle called {@code name}, or null when {@code name} is null (the property is not set). */
    public static @Nullable SslBundle named(String property, @Nullable String name, ObjectProvider<SslBundles> sslBundles) {
        if (name == null) {
            return null;
        }
        SslBundles bundles = sslBundles.getIfAvailable();
        if (bundles == null) {
            throw new LockBackendNotAvailableException(property + " is '" + name + "' but there are no SSL bundles.",
                    "Define the bundle under spring.ssl.bundle.* (Spring Boot's SslAutoConfiguration), or remove " + property + ".");
        }
        return bundles.getBundle(name);
    }
}
