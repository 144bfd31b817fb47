package dev.distlock.autoconfigure.backend;

/**
 * No {@code LockBackend} could be configured: the backend named in {@code distlock.backend} lacks
 * its module or connection, a backend module is present without its connection (distlock never
 * falls back to in-memory locks then), or several are present and none was named. Carries the text that
 * {@link LockBackendFailureAnalyzer} shows, so that the message and the analysis cannot drift apart.
 */
public class LockBackendNotAvailableException extends IllegalStateException {

    private final String description;
    private final String action;

    public LockBackendNotAvailableException(String description, String action) {
        super("No lock backend could be configured: " + description + " " + action);
        this.description = description;
        this.action = action;
    }

    /** What is wrong, naming {@code distlock.backend}. */
    public String description() {
        return description;
    }

    /** What to change, listing the choices. */
    public String action() {
        return action;
    }
}
