package dev.distlock.autoconfigure.backend;

import java.util.Optional;

import dev.distlock.autoconfigure.LockBackendType;

/**
 * One backend's own answer to "could you be configured here?", contributed by its configuration
 * class (as a nested {@code Candidate}) and listed once in {@link LockBackendConfigurations}. The
 * selection asks every candidate, so that no central list of client class names goes stale.
 * Every method is called while bean definitions are registered: look at definitions, never create beans;
 * the {@link CandidateContext} gives them and the bound properties.
 */
public interface LockBackendCandidate {

    /** The {@code distlock.backend} value this candidate stands for. */
    LockBackendType type();

    /** The configuration class that defines this backend's {@code LockBackend} bean. */
    Class<?> configurationClass();

    /**
     * Whether this backend's own module (e.g. dev.distlock:distlock-redis) is on the class path: the
     * application's sign that it means this backend. A present module is never silently replaced by
     * in-memory locks; if it cannot be configured, start-up fails saying what is missing.
     */
    boolean modulePresent(ClassLoader classLoader);

    /**
     * What is missing for this backend when it is named by {@code distlock.backend}: its module, a
     * dependency of it, or its connection, e.g. a RedisConnectionFactory bean; empty when it can be
     * configured.
     */
    Optional<Missing> missing(CandidateContext context);

    /**
     * Whether presence alone selects this backend when {@code distlock.backend} is not set. False
     * for the in-memory backend, which is the fallback rather than a candidate.
     */
    default boolean detectable() {
        return true;
    }

    /**
     * For detection only (when {@code distlock.backend} is not set): the connection the application
     * has not configured for this backend, beyond {@link #missing}; empty when it has. Empty by
     * default, for backends whose {@link #missing} already requires a connection. A backend that can
     * be named with default connection settings (etcd: {@code http://127.0.0.1:2379}) reports here
     * what shows that the application means that endpoint, so that its module alone does not connect
     * to a default nobody configured, while {@code distlock.backend} can still name it with its defaults.
     */
    default Optional<Missing> missingConnection(CandidateContext context) {
        return Optional.empty();
    }

    /**
     * Something a backend lacks and how to add it.
     *
     * @param what     the missing thing, e.g. "a RedisConnectionFactory bean"
     * @param howToAdd an instruction starting in lower case, e.g. "add spring-boot-starter-data-redis
     *                 (it defines a RedisConnectionFactory from spring.data.redis.*)"
     */
    record Missing(String what, String howToAdd) {

        /** The backend's own module, {@code dev.distlock:distlock-<backend>}. */
        public static Missing module(LockBackendType type) {
            String module = "the " + type.moduleCoordinates() + " module";
            return new Missing(module, "add " + module);
        }

        /** {@link #howToAdd} as the start of a sentence. */
        String howToAddSentence() {
            return Character.toUpperCase(howToAdd.charAt(0)) + howToAdd.substring(1);
        }
    }
}
