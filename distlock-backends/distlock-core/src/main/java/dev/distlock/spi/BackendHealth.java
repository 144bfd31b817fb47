package dev.distlock.spi;

import java.util.Map;

/**
 * Result of {@link LockBackend#health()}.
 *
 * @param up      the backend can grant locks now
 * @param reason  why it is down, or a short status when up
 * @param details per-node or per-session facts for the health endpoint
 */
public record BackendHealth(boolean up, String reason, Map<String, Object> details) {

    public BackendHealth {
        details = Map.copyOf(details);
    }

    public static BackendHealth up(Map<String, Object> details) {
        return new BackendHealth(true, "ok", details);
    }

    public static BackendHealth down(String reason, Map<String, Object> details) {
        return new BackendHealth(false, reason, details);
    }
}
