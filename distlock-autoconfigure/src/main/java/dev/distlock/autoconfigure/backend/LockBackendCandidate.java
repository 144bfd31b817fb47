package dev.distlock.autoconfigure.backend;

import java.util.Optional;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.env.Environment;

import dev.distlock.autoconfigure.LockBackendType;

/**
 * One backend's own answer to "could you be configured here?", contributed by its configuration
 * class (as a nested {@code Candidate}) and listed once in {@link LockBackendConfigurations}. The
 * selection asks every candidate, so that no central list of client class names goes stale.
 */
public interface LockBackendCandidate {

    /** The {@code distlock.backend} value this candidate stands for. */
    LockBackendType type();

    /** The configuration class that defines this backend's {@code LockBackend} bean. */
    Class<?> configurationClass();

    /**
     * What is missing for this backend, e.g. "the dev.distlock:distlock-redis module" or "a
     * RedisConnectionFactory bean"; empty when its module and its connection are both present.
     * Called while bean definitions are registered: look at definitions, never create beans.
     */
    Optional<String> missing(ClassLoader classLoader, ConfigurableListableBeanFactory beanFactory);

    /**
     * Whether presence alone selects this backend when {@code distlock.backend} is not set. False
     * for the in-memory backend, which is the fallback rather than a candidate.
     */
    default boolean detectable() {
        return true;
    }

    /**
     * For detection only (when {@code distlock.backend} is not set): the connection the application
     * has not configured for this backend, e.g. "a jetcd Client bean or distlock.etcd.endpoints";
     * empty when it has. Empty by default, for backends whose {@link #missing} already requires a
     * connection bean. A backend that can be named with default connection settings (etcd:
     * {@code http://127.0.0.1:2379}) reports here what shows that the application means it, so
     * that its module alone selects nothing while {@code distlock.backend} can still name it with
     * its defaults. Only asked when {@link #missing} is empty; like it, looks at bean definitions
     * and never creates beans.
     */
    default Optional<String> missingConnection(ClassLoader classLoader, ConfigurableListableBeanFactory beanFactory,
                                               Environment environment) {
        return Optional.empty();
    }
}
