package dev.distlock.autoconfigure.backend;

import java.util.Optional;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

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
}
