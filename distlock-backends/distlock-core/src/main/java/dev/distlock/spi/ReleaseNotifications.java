package dev.distlock.spi;

/**
 * A backend that can tell a waiter that a lock may have become free (pub/sub, a watch), so that
 * waiting is not polling. The engine still polls, rarely, as a safety net for a lost message.
 */
public interface ReleaseNotifications {

    /**
     * Calls {@code onChange} (on any thread, possibly more than once, possibly spuriously) when
     * {@code key} may have become free for {@code owner}: released, expired or, for a fair queue,
     * when {@code owner}'s predecessor left. The subscription is in effect on the server when this
     * method returns: the engine subscribes, then tries once more, and relies on no release falling
     * between the two unnoticed.
     */
    Subscription subscribe(String key, String owner, Runnable onChange);

    /** Ends one {@link #subscribe}; idempotent. */
    @FunctionalInterface
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
