package dev.distlock.spi;

/**
 * What a backend promises.
 *
 * @param fair    {@link AcquireRequest#fair()} is honoured: grants follow request order
 * @param fencing how strong the fencing tokens are, in words for the docs and the endpoint
 */
public record BackendCapabilities(boolean fair, FencingStrength fencing) {

    /** How far a backend's fencing tokens can be trusted. */
    public enum FencingStrength {
        /** Issued by a consensus store or a single durable database: never repeats. */
        STRONG,
        /** Can repeat after a node loses its data (Redis without persistence, Redlock). */
        BEST_EFFORT,
        /** Valid only within one JVM. */
        LOCAL
    }
}
